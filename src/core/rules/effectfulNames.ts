// Which called names change the held context: the rules' primitives, and the functions whose
// summaries say they acquire or release. The index asks this (through the question the facade
// hands it, see index/flowNeeds.ts) to decide which files need a full parse; the live analysis
// asks it of the models it holds. Wrappers summarize through direct calls only, and a function
// read from tokens that calls no such name cannot be one, so the summaries of the fully parsed
// files alone answer it.
import { CallGraph, type DetailSource } from '../graph/callGraph';
import type { PackedFileFacts } from '../model/packedFacts';
import type { RuleSpec } from '../model/ruleSpec';
import { buildRuleModel, type RuleModel } from './summaries';

/** Primitives of every rule, and the functions of fully parsed files that summarize as acquiring or releasing. */
export function effectfulNames(files: readonly PackedFileFacts[], detail: DetailSource, rules: readonly RuleSpec[]): Set<string> {
  const parsed = files.filter((f) => f.reader === undefined && f.functions.length > 0);
  if (parsed.length === 0) return primitiveNames(rules);
  const graph = new CallGraph(parsed, 'typed', detail);
  return effectfulNow(rules.map((rule) => buildRuleModel(graph, rule)));
}

/** Names with an effect in these models now: their rules' primitives and the functions with a summary. */
export function effectfulNow(models: readonly RuleModel[]): Set<string> {
  const names = primitiveNames(models.map((m) => m.rule));
  for (const m of models) for (const index of m.summaries.keys()) names.add(m.graph.nodes[index]!.name);
  return names;
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
