// Every command the extension registers. package.json `contributes.commands` lists the same
// ids (a unit test checks they agree); commands.ts must implement each one.
export const COMMAND_IDS = [
  'lockpath.scanWorkspace',
  'lockpath.rescanFile',
  'lockpath.openChainPanel',
  'lockpath.filterChains',
  'lockpath.suppressChain',
  'lockpath.exportResults',
  'lockpath.showOutput',
  'lockpath.openLocation',
  'lockpath.loadTrace',
  'lockpath.clearOverlay',
  'lockpath.logHostHealth',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
