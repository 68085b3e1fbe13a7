// One finding per hook point. 6.12's do_dentry_open() calls security_file_open() and then
// fsnotify_open_perm(); rw_verify_area() calls security_file_permission() and
// fsnotify_file_area_perm(). The searches run one per sink, so the same path reaches both:
// a reader sees one place to fix, so the report shows one chain naming both hooks.
import type { Chain } from '../model/chain';

/** A chain's hops and acquisition as one key, equal for chains that differ only in their sink. */
interface PathKey {
  acquire: Chain['acquire'];
  rule: string;
  key: string;
}

/**
 * Merges chains by hook point, keeping the keys it made by the hops array: a live analysis
 * merges the same kept chains after every edit, and a chain whose lines move gets new hops
 * (and acquire) rather than edited ones. One per analysis, so that results of other trees
 * share nothing.
 */
export class HookPoints {
  private readonly keys = new WeakMap<Chain['hops'], PathKey>();

  private pathKey(chain: Chain): string {
    const { acquire, hops } = chain;
    const made = this.keys.get(hops);
    if (made !== undefined && made.acquire === acquire && made.rule === chain.rule) return made.key;
    const last = hops.at(-1);
    const head = hops.slice(0, -1).map((h) => `${h.caller}>${h.callee}@${h.file}:${h.line}:${h.column}`);
    const key = [chain.rule, `${acquire.file}:${acquire.line}:${acquire.column}`, ...head, last === undefined ? '' : `${last.caller}@${last.file}`].join('|');
    this.keys.set(hops, { acquire, rule: chain.rule, key });
    return key;
  }

  /** Chains equal but for the sink their last function calls, merged; the rule's first sink names the finding. */
  merge(chains: readonly Chain[], sinkRank: (rule: string, sink: string) => number): Chain[] {
    // Most paths reach one hook: no array for those.
    const groups = new Map<string, Chain | Chain[]>();
    for (const c of chains) {
      const key = this.pathKey(c);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, c);
      else if (Array.isArray(group)) group.push(c);
      else groups.set(key, [group, c]);
    }
    const out: Chain[] = [];
    for (const group of groups.values()) {
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
}
