// One finding per hook point. 6.12's do_dentry_open() calls security_file_open() and then
// fsnotify_open_perm(); rw_verify_area() calls security_file_permission() and
// fsnotify_file_area_perm(). The searches run one per sink, so the same path reaches both:
// a reader sees one place to fix, so the report shows one chain naming both hooks.
import type { Chain } from '../model/chain';

/**
 * Chains equal but for the sink their last function calls, merged; the rule's first sink names
 * the finding. `groups[i]` is what chain i shares with such chains (its search says: its
 * acquisition and its calls but the last one, as call sites rather than lines).
 */
export function mergeHookPoints(chains: readonly Chain[], groups: readonly string[], sinkRank: (rule: string, sink: string) => number): Chain[] {
  // Most paths reach one hook: no array for those.
  const byGroup = new Map<string, Chain | Chain[]>();
  chains.forEach((c, i) => {
    const key = groups[i]!;
    const group = byGroup.get(key);
    if (group === undefined) byGroup.set(key, c);
    else if (Array.isArray(group)) group.push(c);
    else byGroup.set(key, [group, c]);
  });
  const out: Chain[] = [];
  for (const group of byGroup.values()) {
    if (!Array.isArray(group)) {
      out.push(group);
      continue;
    }
    const sorted = [...group].sort((a, b) => sinkRank(a.rule, a.sink) - sinkRank(b.rule, b.sink));
    const [first, ...rest] = sorted;
    out.push({ ...first!, alsoSinks: rest.map((c) => c.sink) });
  }
  return out;
}
