// Which files need a full parse. Files are first read from tokens, which gives calls but no
// control flow; control flow matters only in functions that call something that changes the
// held context: a primitive, or a wrapper inferred from other functions' control flow. Wrappers
// summarize through direct calls only (rules/summaries.ts), and a function read from tokens that
// calls no such name cannot be one, so the summaries of the fully parsed files alone tell
// which names have an effect. The caller parses the files this names, and asks again until
// none is left: a new wrapper can make its callers need control flow in turn.
import { CallGraph, type DetailSource } from '../graph/callGraph';
import type { PackedFileFacts } from '../model/packedFacts';
import { directCallee } from '../model/packedCalls';
import { buildRuleModel, type RuleModel } from '../rules/summaries';
import type { RuleSpec } from '../model/ruleSpec';

/** Primitives of every rule, and the functions of fully parsed files that summarize as acquiring or releasing. */
export function effectfulNames(files: readonly PackedFileFacts[], detail: DetailSource, rules: readonly RuleSpec[]): Set<string> {
  const parsed = files.filter((f) => f.reader === undefined && f.functions.length > 0);
  if (parsed.length === 0) return primitiveNames(rules);
  const graph = new CallGraph(parsed, 'typed', detail);
  return effectfulNow(rules.map((rule) => buildRuleModel(graph, rule)));
}

/**
 * Fully parsed files that need not be: the token reader did not decline them and they call none
 * of `names`. A scan from scratch would read them from tokens; reading them so again keeps the
 * result independent of the files' history (a file parsed once stays parsed otherwise).
 */
export function parsedFilesCallingNone(files: readonly PackedFileFacts[], names: ReadonlySet<string>): PackedFileFacts[] {
  return files.filter((f) => f.reader === undefined && f.tokensDeclined !== true && f.functions.length > 0 && !callsName(f, names));
}

/** Names with an effect in these models now: their rules' primitives and the functions with a summary. */
export function effectfulNow(models: readonly RuleModel[]): Set<string> {
  const names = primitiveNames(models.map((m) => m.rule));
  for (const m of models) for (const index of m.summaries.keys()) names.add(m.graph.nodes[index]!.name);
  return names;
}

/** Files read from tokens with a direct call to one of `names`. */
export function tokenFilesCalling(files: readonly PackedFileFacts[], names: ReadonlySet<string>): PackedFileFacts[] {
  return files.filter((f) => f.reader === 'tokens' && callsName(f, names));
}

function callsName(f: PackedFileFacts, names: ReadonlySet<string>): boolean {
  return f.functions.some((fn) => {
    for (let i = 0; i < fn.callCount; i++) {
      const callee = directCallee(f, fn, i);
      if (callee !== undefined && names.has(callee)) return true;
    }
    return false;
  });
}

/** The acquire and release primitives of every rule: a file calling one surely needs a full parse. */
export function primitiveNames(rules: readonly RuleSpec[]): Set<string> {
  const names = new Set<string>();
  for (const rule of rules) {
    for (const a of rule.acquire) names.add(a.name);
    for (const r of rule.release) names.add(r);
  }
  return names;
}
