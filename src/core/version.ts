export const LOCKPATH_VERSION = '0.1.0';

declare const __LOCKPATH_BUILD__: string | undefined;
/** A hash of the sources the bundle was built from (esbuild.mjs), or `unbundled`. */
export const LOCKPATH_BUILD: string = typeof __LOCKPATH_BUILD__ === 'string' ? __LOCKPATH_BUILD__ : 'unbundled';
