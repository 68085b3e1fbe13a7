// Constant arguments against the guards of the next hop, one level deep. gfs2_lookup() calls
// __gfs2_lookup(dir, dentry, NULL), and __gfs2_lookup() calls finish_open() only
// `if (file)`: a chain through both calls is not a path the code can take. Only literal
// arguments (NULL, 0, false, an upper-case constant) and plain tests of the parameter that
// receives them are read; two different constant names are taken to be different values.
import type { CallSiteReader, Requirement } from '../model/callSites';
import { constantText } from '../model/callSites';
import type { ChainReason, FoundChain } from '../model/chain';

function contradicts(needs: Requirement, value: string): boolean {
  switch (needs.kind) {
    case 'nonzero': return value === '0';
    // A named constant may be zero (READ is): only a literal decides.
    case 'zero': return value === '1';
    case 'equals': return value !== '0' && value !== '1' && value !== needs.value;
    case 'differs': return value === needs.value;
  }
}

function describe(needs: Requirement, param: string): string {
  switch (needs.kind) {
    case 'nonzero': return `${param} is non-zero`;
    case 'zero': return `${param} is zero`;
    case 'equals': return `${param} == ${needs.value}`;
    case 'differs': return `${param} != ${needs.value}`;
  }
}

/** The first hop that a constant argument of the hop before it rules out, if any. */
export function constantGuardReason(chain: FoundChain, reader: CallSiteReader): ChainReason | undefined {
  const { hops } = chain;
  for (let i = 0; i + 1 < hops.length; i++) {
    const into = hops[i]!;
    const next = hops[i + 1]!;
    const args = into.via === 'direct' ? reader.arguments(into.file, into.line, into.column) : undefined;
    if (args === undefined) continue;
    const values = args.map(constantText);
    if (values.every((v) => v === undefined)) continue;
    const guards = reader.guards(next.file, next.line, next.column);
    if (guards === undefined || guards.function !== into.callee) continue;
    for (const test of guards.tests) {
      const value = values[test.param];
      if (value === undefined || !contradicts(test.needs, value)) continue;
      const param = guards.params[test.param] ?? `argument ${test.param + 1}`;
      return {
        hop: i + 1, kind: 'constant-guard', lowers: true,
        text: `${into.caller} passes ${args[test.param]} as ${param}, and ${into.callee} calls ${next.callee} only when ${describe(test.needs, param)} (${next.file}:${next.line})`,
      };
    }
  }
  return undefined;
}
