export const LOCKPATH_VERSION = '0.1.0';
