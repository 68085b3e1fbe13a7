// Guards on what an exported filesystem says of itself. nfsd_unlink() closes the cached files
// of the victim only `if (rdentry->d_sb->s_export_op->flags & EXPORT_OP_CLOSE_BEFORE_UNLINK)`:
// only filesystems whose export_operations set that flag take that path (the NFS client, for
// re-export), and when none of them can be frozen, no freeze waits on the hold there. Code
// that tests an export's flags (nfsd) works within that one export, so the tested superblock
// is the one whose protection it holds.
import type { CallSiteReader, Condition } from '../model/callSites';
import type { ChainReason, FoundChain } from '../model/chain';
import type { DispatchFacts } from './confidence';

/** The flag that `c` being `truth` needs the export's s_export_op->flags to have. */
function neededFlag(c: Condition, truth: boolean): string | undefined {
  switch (c.kind) {
    case 'mask': return truth && c.bits !== undefined && /\bs_export_op->flags$/.test(c.subject) ? c.bits : undefined;
    case 'not': return neededFlag(c.of, !truth);
    case 'and': return truth ? neededFlag(c.left, true) ?? neededFlag(c.right, true) : undefined;
    default: return undefined;
  }
}

/** The first hop taken only for exports whose filesystems cannot be frozen, if any. */
export function exportFlagReason(chain: FoundChain, reader: CallSiteReader, facts: DispatchFacts): ChainReason | undefined {
  for (const [j, at] of chain.hops.entries()) {
    // Reading the guards means parsing: only files that look at an export's ops at all.
    if (reader.mentions?.(at.file, 's_export_op') !== true) continue;
    for (const { condition, truth } of reader.guards(at.file, at.line, at.column)?.conditions ?? []) {
      const flag = neededFlag(condition, truth);
      if (flag === undefined || !/^\w+$/.test(flag)) continue;
      const setters = new Set<string>();
      for (const file of facts.exportFiles) {
        const place = facts.placeOfFile(file);
        if (place !== undefined && reader.mentions?.(file, flag) === true) setters.add(place);
      }
      if ([...setters].some((p) => facts.freezable.has(p))) continue;
      const who = setters.size === 0 ? 'no filesystem sets it' : `only ${[...setters].sort().join(', ')} set${setters.size === 1 ? 's' : ''} it`;
      return {
        hop: j, kind: 'not-freezable', lowers: true,
        text: `${at.caller} calls ${at.callee} only when the exported filesystem sets ${flag} (${at.file}:${at.line}); ${who}, and none can be frozen`,
      };
    }
  }
  return undefined;
}
