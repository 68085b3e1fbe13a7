// The rules an editor session runs: the built-in ones, each overridden or joined by the rules
// of the workspace's rule files (later files win over earlier ones with the same id).
import { readFileSync } from 'node:fs';
import { parseRuleFile, RuleFileError } from '../core/rules/ruleFile';
import { BUILTIN_RULES, type RuleSpec } from '../core/rules/ruleSpec';

export function rulesFromFiles(ruleFiles: readonly string[], read: (path: string) => string = (p) => readFileSync(p, 'utf8')): RuleSpec[] {
  const rules = new Map<string, RuleSpec>(BUILTIN_RULES.map((r) => [r.id, r]));
  for (const path of ruleFiles) {
    let text: string;
    try {
      text = read(path);
    } catch (e) {
      throw new RuleFileError(`cannot read rule file ${path}: ${(e as Error).message}`);
    }
    try {
      for (const r of parseRuleFile(text, BUILTIN_RULES)) rules.set(r.id, r);
    } catch (e) {
      throw new RuleFileError(`${path}: ${(e as Error).message}`);
    }
  }
  return [...rules.values()];
}
