// A ScanResult built by hand for the report writers: one chain through a function pointer,
// one direct chain whose names and paths hold `<`, quotes and non-ASCII, and the odd cases
// (unknown line, control characters) that the writers must not choke on.
import type { Chain, ScanResult } from '../../../src/core/model/chain';

export const pointerChain: Chain = {
  id: 'freeze:do_sendfile>do_splice_direct>splice_direct_to_actor>do_splice_to>ovl_splice_read>rw_verify_area',
  rule: 'freeze',
  acquire: { function: 'do_sendfile', call: 'file_start_write', file: 'fs/read_write.c', line: 1254, column: 2 },
  hops: [
    { caller: 'do_sendfile', callee: 'do_splice_direct', file: 'fs/read_write.c', line: 1255, column: 9, via: 'direct' },
    { caller: 'do_splice_direct', callee: 'splice_direct_to_actor', file: 'fs/splice.c', line: 1150, column: 8, via: 'direct' },
    { caller: 'splice_direct_to_actor', callee: 'do_splice_to', file: 'fs/splice.c', line: 1090, column: 9, via: 'direct' },
    {
      caller: 'do_splice_to',
      callee: 'ovl_splice_read',
      file: 'fs/splice.c',
      line: 41,
      column: 9,
      via: '->splice_read',
      candidates: 12,
      structType: 'file_operations',
    },
    { caller: 'ovl_splice_read', callee: 'rw_verify_area', file: 'fs/overlayfs/file.c', line: 420, column: 8, via: 'direct' },
    // The sink edge: the model knows the file but not the line of the hook call.
    { caller: 'rw_verify_area', callee: 'security_file_permission', file: 'fs/read_write.c', line: 0, column: 0, via: 'direct' },
  ],
  sink: 'security_file_permission',
  indirect: true,
  confidence: 'likely',
  reasons: [{ hop: 3, kind: 'entry-dispatch', lowers: false, text: 'VFS code dispatches on an object of any filesystem: ovl_splice_read is one of 12 file_operations.splice_read' }],
};

export const oddChain: Chain = {
  id: 'freeze:ovl_copy_up_flags>"café"<x>',
  rule: 'freeze',
  acquire: {
    function: 'ovl_copy_up_flags',
    call: 'ovl_want_write',
    condition: 'on zero return',
    file: 'fs/overlayfs/copy up "ünï" <x>.c',
    line: 7,
    column: 3,
  },
  hops: [
    { caller: 'ovl_copy_up_flags', callee: 'café_<read>', file: 'fs/overlayfs/copy up "ünï" <x>.c', line: 8, column: 5, via: 'direct' },
    {
      caller: 'café_<read>',
      callee: 'security_file_permission',
      file: 'fs/read_write.c',
      line: 12,
      column: 0,
      via: '->read_iter',
    },
  ],
  sink: 'security_file_permission',
  alsoSinks: ['fsnotify_file_area_perm'],
  indirect: true,
  confidence: 'possible',
  reasons: [{ hop: 1, kind: 'untyped-dispatch', lowers: true, text: '->read_iter: the struct type at the call is not known <"é">' }],
};

export const directChain: Chain = {
  id: 'freeze:ksys_write>rw_verify_area',
  rule: 'freeze',
  acquire: { function: 'vfs_write', call: 'file_start_write', file: 'fs/read_write.c', line: 580, column: 2 },
  hops: [
    { caller: 'vfs_write', callee: 'rw_verify_area', file: 'fs/read_write.c', line: 585, column: 8, via: 'direct' },
    { caller: 'rw_verify_area', callee: 'security_file_permission', file: 'fs/read_write.c', line: 380, column: 9, via: 'direct' },
  ],
  sink: 'security_file_permission',
  indirect: false,
  confidence: 'likely',
  reasons: [],
};

/** Chains deliberately out of id order: the writers must sort them. */
export function sampleResult(): ScanResult {
  return {
    tool: 'lockpath',
    version: '0.1.0',
    root: '/src/linux-6.1',
    rules: ['freeze'],
    stats: { files: 31, functions: 1208, callSites: 9150, filesWithErrors: 1, durationMs: 1234, cachedFiles: 4, skippedFiles: 2 },
    chains: [pointerChain, oddChain, directChain],
    skipped: [
      { file: 'drivers/huge.c', reason: 'larger than 2 MiB' },
      { file: 'fs/bad\nname.c', reason: 'not UTF-8 <binary?>' },
    ],
    notAnalysed: [{ what: 'calls through ->iter_op', reason: 'no assignment of the field was found', count: 3 }],
  };
}

export function emptyResult(): ScanResult {
  return {
    tool: 'lockpath',
    version: '0.1.0',
    root: '/src/empty',
    rules: ['freeze'],
    stats: { files: 0, functions: 0, callSites: 0, filesWithErrors: 0, durationMs: 5, cachedFiles: 0, skippedFiles: 0 },
    chains: [],
    skipped: [],
    notAnalysed: [],
  };
}
