// Calls made again on an object an earlier call already did its work on: ovl_link() copies up
// `old` and leaves if that fails, then ovl_nlink_start(old) copies it up again, and that copy-up
// stops at its already-copied-up check. Which calls a repeat of does nothing is rule data
// (repeatedCalls: the state is in the object, not in the code on the way); that the earlier call
// is made, with the same object, on every way to the later one, is read from the source.
import type { CallSiteReader } from '../model/callSites';
import type { ChainReason, FoundChain } from '../model/chain';
import type { RepeatedCall } from '../rules/ruleSpec';

/**
 * Where, going up the chain from the call at hops[i], the object passed there was given to the
 * same function by an earlier call that succeeded; undefined when nowhere.
 */
function earlierCall(chain: FoundChain, i: number, rule: RepeatedCall, reader: CallSiteReader): string | undefined {
  let arg = reader.arguments(chain.hops[i]!.file, chain.hops[i]!.line, chain.hops[i]!.column)?.[rule.arg]?.trim();
  for (let k = i; k >= 0 && arg !== undefined; k--) {
    const hop = chain.hops[k]!;
    const guards = reader.guards(hop.file, hop.line, hop.column);
    const param = guards?.params.indexOf(arg) ?? -1;
    // Only a parameter never assigned is the same object all through the function.
    if (guards === undefined || param < 0 || guards.reassigned.includes(arg)) return undefined;
    const line = reader.succeededBefore?.(hop.file, hop.line, hop.column, rule.function, rule.arg, arg);
    if (line !== undefined) return `${hop.caller} called ${rule.function}(${arg}) before (${hop.file}:${line}) and leaves if it fails`;
    const before = chain.hops[k - 1];
    if (before === undefined || before.via !== 'direct') return undefined;
    arg = reader.arguments(before.file, before.line, before.column)?.[param]?.trim();
  }
  return undefined;
}

/** The first hop a repeated call never reaches, under the rule's repeated calls. */
export function repeatedCallReason(chain: FoundChain, reader: CallSiteReader, rules: readonly RepeatedCall[]): ChainReason | undefined {
  for (const rule of rules) {
    const entry = chain.hops.findIndex((h) => h.callee === rule.function && h.via === 'direct');
    const skipped = chain.hops.findIndex((h, j) => j > entry && h.callee === rule.skips);
    if (entry < 0 || skipped < 0) continue;
    const earlier = earlierCall(chain, entry, rule, reader);
    if (earlier === undefined) continue;
    const at = chain.hops[entry]!;
    return {
      hop: skipped, kind: 'repeated-call', lowers: true,
      text: `${earlier}; ${at.caller} calls ${rule.function} on the same object again (${at.file}:${at.line}), which never reaches ${rule.skips}: ${rule.why}`,
    };
  }
  return undefined;
}
