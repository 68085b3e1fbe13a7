// Constant arguments against the guards of the hops after them. gfs2_lookup() calls
// __gfs2_lookup(dir, dentry, NULL), and __gfs2_lookup() calls finish_open() only
// `if (file)`: a chain through both calls is not a path the code can take. Constants are
// literal arguments (NULL, 0, false, an upper-case constant) and, further down, a parameter
// holding one passed on by name (ovl_copy_up passes 0 as flags, ovl_copy_up_flags passes
// flags on). Tests read are plain tests of the parameter and calls of predicates that return
// false when that parameter is zero; two different constant names are taken to be different values.
import type { CallSiteReader, Condition, DefinitionLookup, Requirement } from '../model/callSites';
import { constantText } from '../model/callSites';
import type { ChainReason, FoundChain } from '../model/chain';

/** How deep predicates calling predicates are read. */
const PREDICATE_DEPTH = 3;

/** A constant a parameter holds on the chain's path, and the words for how it got there. */
interface Known {
  value: string;
  origin: string;
}

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

/** A condition's value where constants decide it, with the names and predicates that did. */
class Evaluation {
  readonly used = new Set<string>();
  readonly predicates: string[] = [];

  constructor(
    private readonly reader: CallSiteReader,
    private readonly definitionOf: DefinitionLookup,
    /** The file the condition is in: where its calls resolve. */
    private readonly file: string,
    private readonly known: (name: string) => string | undefined,
    private readonly depth: number,
  ) {}

  value(c: Condition): boolean | undefined {
    switch (c.kind) {
      case 'name': return truthOf(this.read(c.name));
      case 'literal': return truthOf(c.value);
      case 'not': {
        const v = this.value(c.of);
        return v === undefined ? undefined : !v;
      }
      case 'and': case 'or': {
        // Both sides are read, so that what decided is named whichever side it was.
        const decides = c.kind === 'or';
        const l = this.value(c.left);
        if (l === decides) return decides;
        const r = this.value(c.right);
        if (r === decides) return decides;
        return l === undefined || r === undefined ? undefined : !decides;
      }
      case 'compare': {
        const v = this.read(c.subject);
        if (v === undefined) return undefined;
        if (c.value === '0') return v === '0' ? c.equal : v === '1' ? !c.equal : undefined;
        if (v === '0' || v === '1') return undefined;
        return (v === c.value) === c.equal;
      }
      case 'mask': return this.read(c.subject) === '0' ? false : undefined;
      case 'call': return this.call(c.callee, c.args);
      case 'unknown': return undefined;
    }
  }

  private read(name: string): string | undefined {
    const v = this.known(name);
    if (v !== undefined) this.used.add(name);
    return v;
  }

  private call(callee: string, args: string[]): boolean | undefined {
    if (this.depth >= PREDICATE_DEPTH) return undefined;
    for (const [j, arg] of args.entries()) {
      const literal = constantText(arg);
      if ((literal ?? this.known(arg)) !== '0') continue;
      if (!falseWhenZero(this.reader, this.definitionOf, this.file, callee, j, this.depth + 1)) continue;
      if (literal === undefined) this.used.add(arg);
      this.predicates.push(`${callee}(${args.join(', ')}) is false when ${arg} is zero`);
      return false;
    }
    return undefined;
  }
}

function truthOf(value: string | undefined): boolean | undefined {
  return value === '0' ? false : value === '1' ? true : undefined;
}

/**
 * Does `callee`, as called from `file`, return false (or 0) whenever its parameter `j` is zero?
 * Read from its opening early returns and the return that ends them.
 */
function falseWhenZero(reader: CallSiteReader, definitionOf: DefinitionLookup, file: string, callee: string, j: number, depth: number): boolean {
  const def = definitionOf(file, callee);
  const body = def === undefined ? undefined : reader.predicate?.(def.file, def.line, callee);
  const param = body?.params[j];
  if (def === undefined || body === undefined || param === undefined || param === '') return false;
  const known = (name: string): string | undefined => (name === param ? '0' : undefined);
  for (const step of body.steps) {
    const at = new Evaluation(reader, definitionOf, def.file, known, depth);
    const when = step.when === undefined ? true : at.value(step.when);
    if (when === false) continue;
    const returns = at.value(step.returns);
    if (when === true) return returns === false;
    // An early return that may or may not be taken is harmless only when it returns false too.
    if (returns !== false) return false;
  }
  return false;
}

/** A token that may be a literal argument (see constantText): NULL, false, true, a number, a CONSTANT. */
const LITERAL = /\b(?:NULL|false|true|\d+|[A-Z][A-Z0-9_]*)\b/;

/** The text of a call's argument list: from its first `(` to the `)` that closes it, or all of it. */
function argumentText(text: string): string {
  const open = text.indexOf('(');
  if (open < 0) return text;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** The first hop that constant arguments of the hops before it rule out, if any. */
export function constantGuardReason(chain: FoundChain, reader: CallSiteReader, definitionOf: DefinitionLookup): ChainReason | undefined {
  const { hops } = chain;
  // Constants held by the parameters of hops[i].caller, by name.
  let held = new Map<string, Known>();
  for (let i = 0; i + 1 < hops.length; i++) {
    const into = hops[i]!;
    const next = hops[i + 1]!;
    // Parsing is dear: a call that passes no literal, with no constant held, passes none on.
    const text = held.size === 0 ? reader.callText?.(into.file, into.line, into.column) : undefined;
    if (text !== undefined && !LITERAL.test(argumentText(text))) {
      held = new Map();
      continue;
    }
    const args = into.via === 'direct' ? reader.arguments(into.file, into.line, into.column) : undefined;
    const passed = args?.map((arg) => passedValue(arg, held, into.caller));
    held = new Map();
    if (args === undefined || passed === undefined || passed.every((v) => v === undefined)) continue;
    const guards = reader.guards(next.file, next.line, next.column);
    if (guards === undefined || guards.function !== into.callee) continue;
    const name = (j: number): string => guards.params[j] || `argument ${j + 1}`;
    const values = passed.map((p, j) => p === undefined ? undefined : { value: p.value, origin: p.origin(name(j)) });
    const where = `${next.file}:${next.line}`;
    for (const test of guards.tests) {
      const known = values[test.param];
      if (known === undefined || !contradicts(test.needs, known.value)) continue;
      return {
        hop: i + 1, kind: 'constant-guard', lowers: true,
        text: `${known.origin}, and ${into.callee} calls ${next.callee} only when ${describe(test.needs, name(test.param))} (${where})`,
      };
    }
    values.forEach((v, j) => {
      const param = guards.params[j];
      if (v !== undefined && param && !guards.reassigned.includes(param)) held.set(param, v);
    });
    if (held.size === 0) continue;
    for (const { condition, truth } of guards.conditions) {
      const at = new Evaluation(reader, definitionOf, next.file, (n) => held.get(n)?.value, 0);
      if (at.value(condition) !== !truth || at.used.size === 0 || at.predicates.length === 0) continue;
      const origins = [...at.used].map((n) => held.get(n)!.origin).join('; ');
      return {
        hop: i + 1, kind: 'constant-guard', lowers: true,
        text: `${origins}, and ${into.callee} calls ${next.callee} only when ${at.predicates.join(', and ').replace(/ is false when /g, ' holds, false when ')} (${where})`,
      };
    }
  }
  return undefined;
}

/** What an argument passes of the constants known: a literal, or a parameter holding one. */
function passedValue(arg: string, held: ReadonlyMap<string, Known>, caller: string): { value: string; origin: (param: string) => string } | undefined {
  const literal = constantText(arg);
  if (literal !== undefined) return { value: literal, origin: (param) => `${caller} passes ${arg} as ${param}` };
  const known = held.get(arg.trim());
  if (known === undefined) return undefined;
  return { value: known.value, origin: (param) => `${known.origin}, ${caller} passes it on as ${param}` };
}
