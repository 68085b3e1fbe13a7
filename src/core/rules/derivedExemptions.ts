// Exemptions as the tree being scanned says them. A rule lists candidate exemption points (a
// callee, an argument, the values that may make the call harmless); whether one holds is read
// from the bodies: the value is followed into the callee, through what it calls, and the
// exemption holds when every way through returns before a call of one of the rule's events.
// 6.1's rw_verify_area(WRITE) passes MAY_WRITE to security_file_permission(), whose
// fsnotify_perm() returns early without MAY_READ/MAY_OPEN: exempt. A kernel whose hook emits a
// pre-content event for writes reaches the event: not exempt, and the write-side chains are
// reported. Where the bodies cannot tell, the rule's word is taken and the result says so.
import type { BodyOutline, CallSiteReader, Definition, Expr, Under } from '../model/callSites';
import { recordingSources, type ExemptionInputs, type ExemptionSources } from './exemptionInputs';
import type { ExemptCall, RuleSpec } from './ruleSpec';

/** Calls followed below the candidate: rw_verify_area -> security_file_permission -> fsnotify_perm -> fsnotify_file. */
const MAX_DEPTH = 5;
/** Macros defined through other macros, followed this far. */
const MAX_MACRO_DEPTH = 8;

/**
 * What the tree says of one candidate value. derived: no event is reached (exempt); refuted: an
 * event is reached (not exempt); assumed: the bodies cannot tell, the rule's exemption is kept.
 */
export interface ExemptionVerdict {
  callee: string;
  arg: number;
  value: string;
  verdict: 'derived' | 'refuted' | 'assumed';
  why: string;
  /** Files the verdict was read from: an edit of one may change it. */
  files: string[];
}

export interface DerivedRule {
  /** The rule with the exemptions that hold in this tree (derived or assumed). */
  rule: RuleSpec;
  verdicts: ExemptionVerdict[];
  /** What the derivation read of the tree (none without sources): the same answers, the same derivation. */
  inputs?: ExemptionInputs;
}

export function deriveExemptions(rule: RuleSpec, tree: ExemptionSources | undefined): DerivedRule {
  const candidates = rule.exempt ?? [];
  if (candidates.length === 0) return { rule, verdicts: [] };
  const recording = tree === undefined ? undefined : recordingSources(tree);
  const sources = recording?.sources;
  const verdicts: ExemptionVerdict[] = [];
  const exempt: ExemptCall[] = [];
  for (const candidate of candidates) {
    const kept: string[] = [];
    const whys: string[] = [];
    for (const value of candidate.equals) {
      const v = judge(rule, candidate, value, sources);
      verdicts.push(v);
      if (v.verdict === 'refuted') continue;
      kept.push(value);
      whys.push(v.verdict === 'derived' ? v.why : `${candidate.why} (taken from the rule: ${v.why})`);
    }
    if (kept.length > 0) exempt.push({ ...candidate, equals: kept, why: [...new Set(whys)].join('; ') });
  }
  return { rule: { ...rule, exempt }, verdicts, ...(recording !== undefined ? { inputs: recording.inputs() } : {}) };
}

function judge(rule: RuleSpec, candidate: ExemptCall, value: string, sources: ExemptionSources | undefined): ExemptionVerdict {
  const verdict = (v: ExemptionVerdict['verdict'], why: string, files: string[] = []): ExemptionVerdict =>
    ({ callee: candidate.callee, arg: candidate.arg, value, verdict: v, why, files });
  const events = new Set(rule.events ?? []);
  if (events.size === 0) return verdict('assumed', 'the rule names no event calls to follow the value to');
  const reader = sources?.reader;
  if (sources === undefined || reader?.outline === undefined || reader.expression === undefined) return verdict('assumed', 'the source was not read again');
  const walk = new Walk(sources, reader, events, new Set(rule.sinks));
  const defs = sources.definitions('', candidate.callee);
  if (defs.length === 0) return verdict('assumed', `the body of ${candidate.callee} is not in the scanned tree`);
  const given = reader.expression(value);
  let hit: Hit | undefined;
  let read = 0;
  for (const def of defs) {
    const body = walk.outline(def, candidate.callee);
    if (body === undefined) continue;
    read++;
    const args = body.params.map((_, j) => j === candidate.arg ? lazy(() => walk.value(given, new Map(), body.file)) : RUNTIME_BINDING);
    hit = walk.reach(body, args, 0, [candidate.callee]);
    if (hit !== undefined) break;
  }
  const files = [...walk.files].sort();
  if (read === 0) return verdict('assumed', `the body of ${candidate.callee} could not be read again`, files);
  const call = `${candidate.callee}(${value})`;
  if (hit !== undefined) {
    if (walk.missing.size > 0) return verdict('assumed', `${listed(walk.missing)} not defined in the headers the bodies include`, files);
    return verdict('refuted', `${call} reaches ${hit.event}() at ${hit.file}:${hit.line} through ${hit.path.join(' -> ')}`, files);
  }
  if (walk.unread.size > 0) return verdict('assumed', `the body of ${listed(walk.unread)} is not in the scanned tree`, files);
  // Event names that match nothing in this tree show nothing by their absence.
  if (![...events].some((e) => sources.called(e))) return verdict('assumed', `the scanned tree calls none of ${[...events].join(', ')}`, files);
  if (walk.cuts.length === 0) return verdict('derived', `${call} calls none of ${[...events].join(', ')} on any way through`, files);
  return verdict('derived', `${call} returns before any event: ${walk.cuts.join('; ')}`, files);
}

/** Whether two derivations exempt the same calls (why, and from which files, aside). */
export function sameExemptions(a: readonly ExemptionVerdict[], b: readonly ExemptionVerdict[]): boolean {
  const key = (v: ExemptionVerdict): string => `${v.callee}\0${v.arg}\0${v.value}\0${v.verdict === 'refuted'}`;
  return a.length === b.length && a.every((v, i) => key(v) === key(b[i]!));
}

function listed(names: ReadonlySet<string>): string {
  return [...names].sort().join(', ');
}

/** A value a constant analysis cannot know (a field, a call's result, a parameter nobody fixed). */
const RUNTIME: unique symbol = Symbol('runtime');
type Value = number | typeof RUNTIME;

/** A parameter's value, computed when a test first needs it: most are never read. */
interface Binding {
  get(): Value;
}
const RUNTIME_BINDING: Binding = { get: () => RUNTIME };

function lazy(compute: () => Value): Binding {
  let value: Value | undefined;
  return { get: () => (value ??= compute()) };
}

interface Hit {
  event: string;
  file: string;
  line: number;
  /** The functions from the candidate down to the one calling the event. */
  path: string[];
}

/** Macro-like names (READ, MAY_WRITE): looked up in the headers; other names are variables. */
const CONSTANT_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** One candidate value followed through the bodies, with what it read and what it could not. */
class Walk {
  readonly files = new Set<string>();
  /** Constants that left a test undecided because no header defines them. */
  readonly missing = new Set<string>();
  /** Functions on the way whose bodies are not in the scan. */
  readonly unread = new Set<string>();
  /** The certain early returns taken, in words. */
  readonly cuts: string[] = [];

  constructor(
    private readonly sources: ExemptionSources,
    private readonly reader: CallSiteReader,
    private readonly events: ReadonlySet<string>,
    private readonly sinks: ReadonlySet<string>,
  ) {}

  outline(def: Definition, name: string): BodyOutline | undefined {
    const body = this.reader.outline?.(def.file, def.line, name);
    if (body !== undefined) this.files.add(def.file);
    return body;
  }

  /** The first event call `body` may reach with these parameter values. */
  reach(body: BodyOutline, params: Binding[], depth: number, path: string[]): Hit | undefined {
    const env = new Map<string, Binding>(body.params.map((p, j) => [p, params[j] ?? RUNTIME_BINDING]));
    /** The certain return that ended the body, until a label: what it leaves out is not run. */
    let cut: string | undefined;
    let told = false;
    for (const step of body.steps) {
      if (step.kind === 'label') {
        cut = undefined;
        continue;
      }
      if (cut !== undefined) {
        // Said once per return, and only where it leaves out what matters.
        if (!told && step.kind === 'call' && (this.events.has(step.callee) || this.sinks.has(step.callee))) {
          this.cuts.push(`${cut} before ${step.callee}()`);
          told = true;
        }
        continue;
      }
      const event = step.kind === 'call' && this.events.has(step.callee);
      const runs = this.runs(step.under, env, body.file);
      if (runs === false) continue;
      if (step.kind === 'set') {
        // Read with the locals as they are here, whatever is set after.
        const value = step.value;
        const now = new Map(env);
        env.set(step.name, runs === true ? lazy(() => this.value(value, now, body.file)) : RUNTIME_BINDING);
      } else if (step.kind === 'return') {
        if (runs !== true) continue;
        cut = `${body.name}() returns at ${body.file}:${step.line}`;
        told = false;
      } else if (event) {
        return { event: step.callee, file: body.file, line: step.line, path };
      } else {
        const hit = this.enter(step.callee, step.args, env, body.file, depth, path);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }

  private enter(callee: string, args: Expr[], env: ReadonlyMap<string, Binding>, file: string, depth: number, path: string[]): Hit | undefined {
    if (path.includes(callee)) return undefined;
    const defs = this.sources.definitions(file, callee);
    // A sink not read may hold the event; any other call not read (a macro, a function outside
    // the scan, a helper deeper than MAX_DEPTH such as lockdep's) is taken to emit none.
    if (defs.length === 0 || depth + 1 >= MAX_DEPTH) {
      if (this.sinks.has(callee)) this.unread.add(defs.length === 0 ? callee : `${callee} (deeper than ${MAX_DEPTH} calls)`);
      return undefined;
    }
    const bindings = args.map((a) => lazy(() => this.value(a, env, file)));
    for (const def of defs) {
      const body = this.outline(def, callee);
      if (body === undefined) {
        if (this.sinks.has(callee)) this.unread.add(callee);
        continue;
      }
      const hit = this.reach(body, bindings, depth + 1, [...path, callee]);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /** Whether a step under these conditions runs: true, false, or undefined (it may). */
  private runs(under: readonly Under[], env: ReadonlyMap<string, Binding>, file: string): boolean | undefined {
    let certain = true;
    for (const u of under) {
      const known = this.missing.size;
      const v = this.value(u.test, env, file);
      if (v === RUNTIME) {
        certain = false;
        continue;
      }
      // A test that came out decided (`0 && UNDEFINED`) owes nothing to the names it could not find.
      for (const name of [...this.missing].slice(known)) this.missing.delete(name);
      if ((v !== 0) !== u.truth) return false;
    }
    return certain ? true : undefined;
  }

  value(e: Expr, env: ReadonlyMap<string, Binding>, file: string, macroDepth = 0): Value {
    const v = (x: Expr): Value => this.value(x, env, file, macroDepth);
    switch (e.kind) {
      case 'number': return e.value;
      case 'name': {
        const bound = env.get(e.name);
        if (bound !== undefined) return bound.get();
        if (!CONSTANT_NAME.test(e.name) || macroDepth >= MAX_MACRO_DEPTH) return RUNTIME;
        const def = this.reader.macro?.(file, e.name);
        if (def === undefined) {
          this.missing.add(e.name);
          return RUNTIME;
        }
        this.files.add(def.file);
        return this.value(def.value, new Map(), def.file, macroDepth + 1);
      }
      case 'unary': {
        const x = v(e.of);
        if (x === RUNTIME) return RUNTIME;
        return e.op === '!' ? Number(x === 0) : e.op === '~' ? ~x : e.op === '-' ? -x : e.op === '+' ? x : RUNTIME;
      }
      case 'binary': return binary(e.op, () => v(e.left), () => v(e.right));
      case 'choose': {
        const test = v(e.test);
        if (test !== RUNTIME) return test !== 0 ? v(e.then) : v(e.otherwise);
        const a = v(e.then);
        return a === v(e.otherwise) ? a : RUNTIME;
      }
      case 'call': case 'unknown': return RUNTIME;
    }
  }
}

/** C's binary operators on what is known; `&&`, `||` and `&` decide from one side when they can. */
function binary(op: string, left: () => Value, right: () => Value): Value {
  const l = left();
  if (op === '&&' && l === 0) return 0;
  if (op === '||' && l !== RUNTIME && l !== 0) return 1;
  const r = right();
  if (op === '&&') return r === 0 ? 0 : l === RUNTIME || r === RUNTIME ? RUNTIME : 1;
  if (op === '||') return r !== RUNTIME && r !== 0 ? 1 : l === RUNTIME || r === RUNTIME ? RUNTIME : 0;
  if (op === '&' && (l === 0 || r === 0)) return 0;
  if (l === RUNTIME || r === RUNTIME) return RUNTIME;
  switch (op) {
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '<<': return l << r;
    case '>>': return l >> r;
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '==': return Number(l === r);
    case '!=': return Number(l !== r);
    case '<': return Number(l < r);
    case '>': return Number(l > r);
    case '<=': return Number(l <= r);
    case '>=': return Number(l >= r);
    default: return RUNTIME;
  }
}
