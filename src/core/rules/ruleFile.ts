// JSON rule files: tweak a built-in rule or define a new one of the same shape.
//
// { "rules": [
//     { "extends": "freeze", "addAcquire": [{"name": "my_start", "when": "always"}],
//       "removeSinks": ["security_file_open"], "addSinks": [...], "addRelease": [...], "removeAcquire": [...],
//       "removeRelease": [...], "addOpaque": [...],
//       "addExempt": [{"callee": "rw_verify_area", "arg": 0, "equals": ["WRITE"], "why": "..."}] },
//     { "id": "mylock", "title": "...", "description": "...", "acquire": [...], "release": [...], "sinks": [...] } ] }
import type { AcquirePrimitive, AcquireWhen, ExemptCall, RuleSpec } from './ruleSpec';

export class RuleFileError extends Error {}

const WHEN: ReadonlySet<string> = new Set<AcquireWhen>(['always', 'zero', 'nonzero']);

/** `name` is how errors name the file (its path as the user gave it). */
export function parseRuleFile(text: string, builtin: readonly RuleSpec[], name = 'rule file'): RuleSpec[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RuleFileError(`${name}${jsonErrorPlace(text, (e as Error).message)}: not valid JSON: ${(e as Error).message}`);
  }
  try {
    if (!isObject(doc) || !Array.isArray(doc.rules)) throw new RuleFileError('must be an object with a "rules" array');
    return doc.rules.map((r, i) => parseRule(r, i, builtin));
  } catch (e) {
    if (e instanceof RuleFileError) throw new RuleFileError(`${name}: ${e.message}`);
    throw e;
  }
}

/** `:line:column` of a JSON.parse error, from the offset V8 names (`at position N`). */
function jsonErrorPlace(text: string, message: string): string {
  const at = /position (\d+)/.exec(message);
  const offset = at === null ? (/end of JSON input/.test(message) ? text.length : undefined) : Number(at[1]);
  if (offset === undefined) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `:${line}:${offset - before.lastIndexOf('\n')}`;
}

function parseRule(raw: unknown, index: number, builtin: readonly RuleSpec[]): RuleSpec {
  const where = `rules[${index}]`;
  if (!isObject(raw)) throw new RuleFileError(`${where} must be an object`);
  if (typeof raw.extends === 'string') {
    const base = builtin.find((b) => b.id === raw.extends);
    if (base === undefined) throw new RuleFileError(`${where}.extends: no built-in rule "${raw.extends}" (have: ${builtin.map((b) => b.id).join(', ')})`);
    const removeAcquire = new Set(strings(raw.removeAcquire, `${where}.removeAcquire`));
    const removeRelease = new Set(strings(raw.removeRelease, `${where}.removeRelease`));
    const removeSinks = new Set(strings(raw.removeSinks, `${where}.removeSinks`));
    return {
      ...base,
      id: typeof raw.id === 'string' ? raw.id : base.id,
      acquire: [...base.acquire.filter((a) => !removeAcquire.has(a.name)), ...acquires(raw.addAcquire, `${where}.addAcquire`)],
      release: [...base.release.filter((r) => !removeRelease.has(r)), ...strings(raw.addRelease, `${where}.addRelease`)],
      sinks: [...base.sinks.filter((s) => !removeSinks.has(s)), ...strings(raw.addSinks, `${where}.addSinks`)],
      opaque: [...(base.opaque ?? []), ...strings(raw.addOpaque, `${where}.addOpaque`)],
      exempt: [...(base.exempt ?? []), ...exempts(raw.addExempt, `${where}.addExempt`)],
    };
  }
  for (const key of ['id', 'title', 'description'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') throw new RuleFileError(`${where}.${key} must be a non-empty string`);
  }
  const rule: RuleSpec = {
    id: raw.id as string,
    title: raw.title as string,
    description: raw.description as string,
    acquire: acquires(raw.acquire, `${where}.acquire`),
    release: strings(raw.release, `${where}.release`),
    sinks: strings(raw.sinks, `${where}.sinks`),
    opaque: strings(raw.opaque, `${where}.opaque`),
    exempt: exempts(raw.exempt, `${where}.exempt`),
  };
  if (rule.acquire.length === 0 || rule.sinks.length === 0) throw new RuleFileError(`${where} needs at least one acquire primitive and one sink`);
  return rule;
}

function acquires(raw: unknown, where: string): AcquirePrimitive[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RuleFileError(`${where} must be an array`);
  return raw.map((a, i) => {
    if (typeof a === 'string') return { name: a, when: 'always' };
    if (!isObject(a) || typeof a.name !== 'string') throw new RuleFileError(`${where}[${i}] must be a name or {"name", "when"}`);
    const when = a.when ?? 'always';
    if (typeof when !== 'string' || !WHEN.has(when)) throw new RuleFileError(`${where}[${i}].when must be one of always, zero, nonzero`);
    return { name: a.name, when: when as AcquireWhen };
  });
}

function exempts(raw: unknown, where: string): ExemptCall[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RuleFileError(`${where} must be an array`);
  return raw.map((e, i) => {
    if (!isObject(e) || typeof e.callee !== 'string' || typeof e.arg !== 'number' || !Number.isInteger(e.arg) || e.arg < 0) {
      throw new RuleFileError(`${where}[${i}] must be {"callee", "arg" (0-based), "equals": [...], "why"}`);
    }
    return { callee: e.callee, arg: e.arg, equals: strings(e.equals, `${where}[${i}].equals`), why: typeof e.why === 'string' ? e.why : '' };
  });
}

function strings(raw: unknown, where: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((s) => typeof s !== 'string' || s === '')) throw new RuleFileError(`${where} must be an array of names`);
  return raw as string[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
