// One function body read from tokens: its calls in the order tree-sitter's BodyWalker records
// them (a call after its function expression and its arguments), the field assignments it
// makes, and its `return` statements. No control flow: see coarseFlow.
import type { CallSite, FieldAssignment, ReturnValue } from '../../model/facts';
import type { Scope } from '../scope';
import {
  findAtDepth0, isCastGroup, isName, isPunct, readDeclarator, readSpecifiers, tokenInitializers, unwrap,
} from './cDeclarations';
import {
  columnOf, isKeyword, isLiteralName, isQualifier, isTypeKeyword, isUnevaluated, KW_CASE, KW_DEFAULT, KW_DO, KW_ELSE,
  KW_FOR, KW_IF, KW_RETURN, KW_SWITCH, KW_TYPEOF, KW_TYPEOF2, KW_TYPEOF3, KW_WHILE, P_ARROW, P_ASSIGN_OP, P_INCDEC, T_IDENT, T_PP, T_PUNCT, type Tokens,
} from './cTokens';
import { ARG_TEXT_MAX, isConditionWrapper, isForeachMacro, isLsmHookCall, LSM_HOOK_UNION, POINTER_CALLEE_MAX } from '../kernelMacros';
import { compactText } from '../syntax';

/** What an open `(` is. */
const G_PAREN = 0;
const G_CALL = 1;
/** A call that is not recorded (condition wrapper, foreach macro header). */
const G_WALK = 2;
/** `if (`, `while (`, `for (`, `switch (`: a statement starts after its `)`. */
const G_CONTROL = 3;

interface Pending {
  /** G_*. */
  kind: number;
  site: CallSite | undefined;
  start: number;
  /** `for (...)`: `;` seen in the header, and the number of calls before its update clause. */
  semicolons?: number;
  update?: number;
}

/**
 * Work on the calls recorded so far, due when the walk passes token `at`: BodyWalker walks an
 * assignment's right side before its left, and does not walk the operand of `++`/`--`.
 */
interface Deferred {
  at: number;
  /** Calls [from, until) move after the calls recorded later ('move'), or are dropped ('drop'). */
  from: number;
  until: number;
  action: 'move' | 'drop';
}

interface Assignment {
  variable: string;
  negated: boolean;
  /** First token of the call the value must be (after `!` and parentheses). */
  start: number;
}

/** `typeof(x)` outside a declaration's specifiers: tree-sitter-c reads a call of `typeof`. */
function isTypeof(v: number): boolean {
  return v === KW_TYPEOF || v === KW_TYPEOF2 || v === KW_TYPEOF3;
}

function isControl(v: number): boolean {
  return v === KW_IF || v === KW_WHILE || v === KW_FOR || v === KW_SWITCH;
}

export class TokenBody {
  readonly calls: CallSite[] = [];
  readonly exits: ReturnValue[] = [];
  /** First and last token of each call's expression, for `return f(x);` and `v = f(x)`. */
  private readonly callStart: number[] = [];
  private readonly callEnd: number[] = [];
  private readonly assignments = new Map<number, Assignment>();
  private readonly foreach = new Map<number, boolean>();
  private readonly deferred: Deferred[] = [];

  constructor(
    private readonly t: Tokens,
    private readonly scope: Scope,
    private readonly globals: Scope,
    private readonly fieldAssignments: FieldAssignment[],
  ) {}

  /** Walks tokens [from, to): statements when `statements`, else one expression. */
  walk(from: number, to: number, statements: boolean): void {
    const t = this.t;
    const { kind, id, match } = t;
    const groups: Pending[] = [];
    const returns: { token: number; depth: number }[] = [];
    let stmt = statements;
    let caseDepth = -1;
    const deferredBase = this.deferred.length;
    for (let i = from; i < to; i++) {
      while (this.deferred.length > deferredBase && this.deferred[this.deferred.length - 1]!.at < i) this.runDeferred();
      const k = kind[i]!;
      if (k === T_PP) continue;
      if (k === T_IDENT) {
        const v = id[i]!;
        if (stmt) {
          if (!isKeyword(v) && isPunct(t, i + 1, 58) && !isPunct(t, i + 2, 58)) {
            i++; // label
            continue;
          }
          if (this.isDeclaration(i, to)) {
            i = this.declaration(i, to);
            continue; // stmt stays true after the `;`
          }
        }
        stmt = false;
        if (v === KW_RETURN) returns.push({ token: i, depth: groups.length });
        else if (v === KW_ELSE || v === KW_DO) stmt = true;
        else if (v === KW_CASE || v === KW_DEFAULT) caseDepth = groups.length;
        else if (isUnevaluated(v) && !isTypeof(v)) {
          if (isPunct(t, i + 1, 40) && match[i + 1]! > i) i = match[i + 1]!;
        }
        continue;
      }
      if (k !== T_PUNCT) {
        stmt = false;
        continue;
      }
      const p = id[i]!;
      switch (p) {
        case 40: {
          const pending = this.open(i);
          groups.push(pending);
          stmt = pending.kind === G_CONTROL && id[i - 1] === KW_FOR;
          break;
        }
        case 41: {
          const g = groups.pop();
          stmt = false;
          if (g === undefined) break;
          if (g.kind === G_CALL && g.site !== undefined) this.record(g.site, g.start, i);
          else if (g.kind === G_CONTROL) {
            stmt = true;
            if (g.update !== undefined && g.update < this.calls.length) this.afterLoopBody(g.update, i, to);
          }
          else if (g.kind === G_WALK && g.site !== undefined) stmt = true;
          break;
        }
        case 91:
        case 123:
          groups.push({ kind: G_PAREN, site: undefined, start: i });
          stmt = p === 123;
          break;
        case 93:
        case 125:
          groups.pop();
          stmt = p === 125;
          break;
        case 59: {
          stmt = true;
          const g = groups[groups.length - 1];
          if (g !== undefined && g.kind === G_CONTROL) {
            // `for (init; cond; update)`: BodyWalker walks the update after the body
            g.semicolons = (g.semicolons ?? 0) + 1;
            if (g.semicolons === 2) g.update = this.calls.length;
          }
          const r = returns[returns.length - 1];
          if (r !== undefined && r.depth === groups.length) {
            returns.pop();
            this.exits.push(this.returnValue(r.token, i));
          }
          break;
        }
        case 58:
          stmt = caseDepth === groups.length;
          if (stmt) caseDepth = -1;
          break;
        case 61:
        case P_ASSIGN_OP:
          this.assignment(i, p === 61, to);
          stmt = false;
          break;
        case P_INCDEC:
          this.incDec(i, to);
          stmt = false;
          break;
        default:
          stmt = false;
      }
    }
    while (this.deferred.length > deferredBase) this.runDeferred();
  }

  /** Moves the calls of a `for` update clause (from `update` on) after the body that follows `close`. */
  private afterLoopBody(update: number, close: number, to: number): void {
    const t = this.t;
    const next = close + 1;
    const end = isPunct(t, next, 123) && t.match[next]! > next ? t.match[next]! : findAtDepth0(t, next, to, 59, 59);
    this.deferred.push({ at: end, from: update, until: this.calls.length, action: 'move' });
  }

  private runDeferred(): void {
    const d = this.deferred.pop()!;
    const { from, until } = d;
    if (until <= from) return;
    const moved = (a: unknown[]): void => {
      const part = a.splice(from, until - from);
      if (d.action === 'move') a.push(...part);
    };
    moved(this.calls);
    moved(this.callStart);
    moved(this.callEnd);
  }

  /** Calls recorded last whose expression starts at or after token `start`: the first one's index. */
  private callsSince(start: number): number {
    let k = this.calls.length;
    while (k > 0 && this.callStart[k - 1]! >= start) k--;
    return k;
  }

  /** `x++`, `++x`: BodyWalker does not walk the operand, so its calls are not recorded. */
  private incDec(i: number, to: number): void {
    if (this.callable(i - 1)) {
      const first = this.callsSince(this.postfixStart(i - 1));
      this.deferred.push({ at: i, from: first, until: this.calls.length, action: 'drop' });
      return;
    }
    const end = Math.min(this.postfixEnd(i + 1), to);
    this.deferred.push({ at: end, from: this.calls.length, until: Number.MAX_SAFE_INTEGER, action: 'drop' });
  }

  /** Last token of the postfix expression that starts at `i`. */
  private postfixEnd(i: number): number {
    const t = this.t;
    let j = i;
    if (isPunct(t, j, 40)) {
      const close = t.match[j]!;
      if (close < 0) return j;
      j = close;
    } else if (t.kind[j] !== T_IDENT) {
      return j;
    }
    for (;;) {
      const n = j + 1;
      if ((isPunct(t, n, P_ARROW) || isPunct(t, n, 46)) && t.kind[n + 1] === T_IDENT) j = n + 1;
      else if ((isPunct(t, n, 91) || isPunct(t, n, 40)) && t.match[n]! > n) j = t.match[n]!;
      else return j;
    }
  }

  // ---- declarations -----------------------------------------------------------------

  /** Whether the statement at `i` (a word) is a declaration, as tree-sitter would parse it. */
  private isDeclaration(i: number, to: number): boolean {
    const t = this.t;
    const v = t.id[i]!;
    if (isTypeKeyword(v)) return true;
    if (isKeyword(v)) return false;
    let j = i + 1;
    if (j >= to) return false;
    if (t.kind[j] === T_IDENT) return !isKeyword(t.id[j]!) || isQualifier(t.id[j]!);
    if (isPunct(t, j, 42)) {
      while (j < to && (isPunct(t, j, 42) || (t.kind[j] === T_IDENT && isQualifier(t.id[j]!)))) j++;
      if (!isName(t, j)) return false;
      const after = j + 1;
      return t.kind[after] === T_PUNCT && [59, 61, 44, 91].includes(t.id[after]!);
    }
    // `T (*fp)(int)`
    return isPunct(t, j, 40) && isPunct(t, j + 1, 42) && isName(t, j + 2) && isPunct(t, j + 3, 41) && isPunct(t, j + 4, 40);
  }

  /** Reads a local declaration from `i`; returns the index of its `;` (or where reading stopped). */
  private declaration(i: number, to: number): number {
    const t = this.t;
    const spec = readSpecifiers(t, i, to);
    let j = spec.next;
    while (j < to) {
      const d = readDeclarator(t, j, to);
      if (d.name < 0) {
        // not a declarator after all (a struct definition, a macro): read on as code
        const end = findAtDepth0(t, d.next, to, 59, 59);
        this.walk(d.next, end, false);
        return end;
      }
      const name = t.names[t.id[d.name]!]!;
      this.scope.set(name, d.isFunction ? '' : spec.type ?? '');
      j = d.next;
      if (isPunct(t, j, 61)) {
        const end = findAtDepth0(t, j + 1, to, 44, 59);
        if (isPunct(t, j + 1, 123) && t.match[j + 1] === end - 1) {
          tokenInitializers(t, j + 1, spec.type, this.fieldAssignments, name);
        } else {
          this.expectAssignment(name, j + 1, end - 1);
        }
        this.walk(j + 1, end, false);
        j = end;
      } else if (j < to && !isPunct(t, j, 44) && !isPunct(t, j, 59)) {
        j = findAtDepth0(t, j, to, 44, 59);
      }
      if (j >= to || !isPunct(t, j, 44)) return j;
      j++;
    }
    return j;
  }

  // ---- calls ------------------------------------------------------------------------

  /** What the `(` at `i` opens, with the call site when it is a call. */
  private open(i: number): Pending {
    const t = this.t;
    const prev = i - 1;
    const k = t.kind[prev];
    if (k === T_IDENT) {
      const v = t.id[prev]!;
      if (isControl(v)) return { kind: G_CONTROL, site: undefined, start: i };
      if (isKeyword(v) && !isTypeof(v)) return { kind: G_PAREN, site: undefined, start: i };
      const name = t.names[v]!;
      if (isConditionWrapper(name)) return { kind: G_WALK, site: undefined, start: i };
      const start = this.postfixStart(prev);
      if (isPunct(t, prev - 1, P_ARROW) || isPunct(t, prev - 1, 46)) {
        return { kind: G_CALL, site: this.fieldSite(prev, i), start };
      }
      if (this.isForeachHeader(v, i)) {
        return { kind: G_WALK, site: this.identifierSite(prev, name, i), start };
      }
      const site = (isLsmHookCall(name) ? this.lsmHookSite(i) : undefined) ?? this.identifierSite(prev, name, i);
      return { kind: G_CALL, site, start };
    }
    if (k === T_PUNCT) {
      const p = t.id[prev]!;
      if (p === 41) {
        const open = t.match[prev]!;
        if (open < 0 || isCastGroup(t, open, prev)) return { kind: G_PAREN, site: undefined, start: i };
        const before = open - 1;
        if (t.kind[before] === T_IDENT && (isControl(t.id[before]!) || isUnevaluated(t.id[before]!))) return { kind: G_PAREN, site: undefined, start: i };
        if (this.callable(before)) return { kind: G_CALL, site: this.pointerSite(this.postfixStart(prev), prev, i), start: this.postfixStart(prev) };
        return { kind: G_CALL, site: this.groupSite(open, prev, i), start: open };
      }
      if (p === 93) {
        const start = this.postfixStart(prev);
        return { kind: G_CALL, site: this.pointerSite(start, prev, i), start };
      }
    }
    return { kind: G_PAREN, site: undefined, start: i };
  }

  /** A token that ends an expression a `(` right after would call: a name, `)` or `]`. */
  private callable(i: number): boolean {
    const t = this.t;
    if (t.kind[i] === T_IDENT) return !isKeyword(t.id[i]!);
    return t.kind[i] === T_PUNCT && (t.id[i] === 41 || t.id[i] === 93);
  }

  /** `list_for_each_entry(...) {`: BodyWalker reads the header as a loop, not as a call. */
  private isForeachHeader(v: number, open: number): boolean {
    const t = this.t;
    let is = this.foreach.get(v);
    if (is === undefined) {
      is = isForeachMacro(t.names[v]!);
      this.foreach.set(v, is);
    }
    if (!is) return false;
    const close = t.match[open]!;
    if (close < 0) return false;
    const after = close + 1;
    return isPunct(t, after, 123) || (t.kind[after] === T_IDENT);
  }

  private argText(open: number): string {
    const t = this.t;
    const close = t.match[open]!;
    if (close < 0 || close === open + 1) return '';
    return compactText(t.text.slice(t.end[open]!, t.start[close]!), ARG_TEXT_MAX);
  }

  private identifierSite(tok: number, name: string, open: number): CallSite {
    const t = this.t;
    return {
      kind: this.scope.has(name) ? 'pointer' : 'direct', callee: name,
      line: t.line[tok]!, column: columnOf(t, tok), args: this.argText(open),
    };
  }

  /** `call_int_hook(HOOK, ...)`, `(` at `open`: a call through field HOOK of the LSM hook union (kernelMacros), placed at HOOK. */
  private lsmHookSite(open: number): CallSite | undefined {
    const t = this.t;
    const hook = open + 1;
    if (!isName(t, hook) || !(isPunct(t, hook + 1, 44) || isPunct(t, hook + 1, 41))) return undefined;
    return {
      kind: 'field', callee: t.names[t.id[hook]!]!, receiverType: LSM_HOOK_UNION,
      line: t.line[hook]!, column: columnOf(t, hook), args: this.argText(open),
    };
  }

  private fieldSite(tok: number, open: number): CallSite {
    const t = this.t;
    const site: CallSite = {
      kind: 'field', callee: t.names[t.id[tok]!]!, line: t.line[tok]!, column: columnOf(t, tok), args: this.argText(open),
    };
    const receiver = this.typePath(tok - 2);
    if (receiver !== undefined) site.receiverType = receiver;
    return site;
  }

  private pointerSite(a: number, b: number, open: number): CallSite {
    const t = this.t;
    return {
      kind: 'pointer', callee: compactText(t.text.slice(t.start[a]!, t.end[b]!), POINTER_CALLEE_MAX),
      line: t.line[a]!, column: columnOf(t, a), args: this.argText(open),
    };
  }

  /** Callee `( ... )`: `(*fp)`, `(ops->fn)`, `(x)`: unwrapped as BodyWalker.callSite does. */
  private groupSite(open: number, close: number, call: number): CallSite | undefined {
    const t = this.t;
    let [a, b] = unwrap(t, open, close, true);
    if (a < b && isPunct(t, a, 42)) [a, b] = unwrap(t, a + 1, b, true);
    if (a > b) return undefined;
    if (a === b && isName(t, a)) return this.identifierSite(a, t.names[t.id[a]!]!, call);
    if (isName(t, b) && (isPunct(t, b - 1, P_ARROW) || isPunct(t, b - 1, 46)) && this.postfixStart(b) === a) {
      return this.fieldSite(b, call);
    }
    return this.pointerSite(a, b, call);
  }

  private record(site: CallSite, start: number, close: number): void {
    this.calls.push(site);
    this.callStart.push(start);
    this.callEnd.push(close);
    const a = this.assignments.get(close);
    if (a !== undefined && a.start === start) {
      site.assignedTo = a.variable;
      if (a.negated) site.assignedNegated = true;
    }
  }

  // ---- expressions read backwards ---------------------------------------------------

  /** First token of the postfix expression (`a->b[i].c`, `f(x)->y`) that ends at `end`. */
  private postfixStart(end: number): number {
    const t = this.t;
    let p = end;
    for (;;) {
      let s = p;
      if (t.kind[p] === T_PUNCT && (t.id[p] === 41 || t.id[p] === 93)) {
        s = t.match[p]!;
        if (s < 0) return p;
        if (t.id[p] === 93 || (this.callable(s - 1) && !isCastGroup(t, s, p))) {
          // subscript or call: its base continues the chain
          p = s - 1;
          continue;
        }
      }
      if (s > 0 && (isPunct(t, s - 1, P_ARROW) || isPunct(t, s - 1, 46)) && this.callable(s - 2)) {
        p = s - 2;
        continue;
      }
      return s;
    }
  }

  /** BodyWalker.typePath of the expression ending at `end`: `in->f_op` -> `file.f_op`. */
  private typePath(end: number): string | undefined {
    const t = this.t;
    const k = t.kind[end];
    if (k === T_IDENT) {
      const v = t.id[end]!;
      if (isKeyword(v)) return undefined;
      const name = t.names[v]!;
      if (isPunct(t, end - 1, P_ARROW) || isPunct(t, end - 1, 46)) {
        const base = this.typePath(end - 2);
        return base === undefined ? undefined : `${base}.${name}`;
      }
      const type = this.scope.get(name) ?? this.globals.get(name);
      return type === undefined || type === '' ? undefined : type;
    }
    if (k !== T_PUNCT) return undefined;
    const p = t.id[end]!;
    const open = t.match[end]!;
    if (open < 0) return undefined;
    if (p === 93) return this.typePath(open - 1);
    if (p !== 41 || this.callable(open - 1)) return undefined;
    let [a, b] = unwrap(t, open, end, true);
    if (a < b && (isPunct(t, a, 42) || isPunct(t, a, 38))) [a, b] = unwrap(t, a + 1, b, true);
    if (a > b || this.postfixStart(b) !== a) return undefined;
    return this.typePath(b);
  }

  // ---- assignments and returns ------------------------------------------------------

  /** The token before `=` ends a plain variable: `v = ...` at the start of an expression. */
  private assignment(i: number, plain: boolean, to: number): void {
    const t = this.t;
    const left = i - 1;
    if (this.callable(left)) {
      const first = this.callsSince(this.postfixStart(left));
      if (first < this.calls.length) {
        this.deferred.push({ at: findAtDepth0(t, i + 1, to, 44, 59) - 1, from: first, until: this.calls.length, action: 'move' });
      }
    }
    if (t.kind[left] !== T_IDENT || isKeyword(t.id[left]!)) return;
    const before = left - 1;
    const name = t.names[t.id[left]!]!;
    const isField = isPunct(t, before, P_ARROW) || isPunct(t, before, 46);
    if (isField) {
      if (!this.callable(before - 1)) return; // `.field =` of an initializer
      const start = this.postfixStart(left);
      // `.a.b = x`, `[1].c = x`: designators of an initializer list, not an object's field
      if (isPunct(t, start, 91) || isPunct(t, start - 1, 46) || isPunct(t, start - 1, P_ARROW)) return;
      const end = findAtDepth0(t, i + 1, to, 44, 59);
      const [a, b] = unwrap(t, i + 1, end - 1, true);
      if (a !== b || !isName(t, a) || isLiteralName(t.id[a]!)) return;
      // `*x->f = y` assigns through a pointer expression, not to a field
      if (isPunct(t, start - 1, 42) && !this.callable(start - 2)) return;
      const fa: FieldAssignment = { field: name, fn: t.names[t.id[a]!]!, line: t.line[start]! };
      const type = this.typePath(before - 1);
      if (type !== undefined) fa.structType = type;
      this.fieldAssignments.push(fa);
      return;
    }
    if (!plain || (t.kind[before] === T_PUNCT && (t.id[before] === 42 || t.id[before] === 38))) return;
    if (this.callable(before) && !this.endsStatementHead(before)) return;
    const end = findAtDepth0(t, i + 1, to, 44, 59);
    this.expectAssignment(name, i + 1, end - 1);
  }

  /** The `)` of `if (...)`, `while (...)` or a foreach macro header: a statement follows. */
  private endsStatementHead(close: number): boolean {
    const t = this.t;
    if (!isPunct(t, close, 41)) return false;
    const head = t.match[close]! - 1;
    if (head < 0 || t.kind[head] !== T_IDENT) return false;
    const v = t.id[head]!;
    return isControl(v) || (!isKeyword(v) && this.isForeachHeader(v, head + 1));
  }

  /** `v = f(x)`, `v = (f(x))`, `v = !f(x)`: the call in [a, b] gets assignedTo. */
  private expectAssignment(variable: string, a: number, b: number): void {
    const t = this.t;
    let negated = false;
    let [x, y] = unwrap(t, a, b, false);
    if (x < y && isPunct(t, x, 33)) {
      negated = true;
      [x, y] = unwrap(t, x + 1, y, true);
    }
    if (x < y && isPunct(t, y, 41)) this.assignments.set(y, { variable, negated, start: x });
  }

  private returnValue(ret: number, semicolon: number): ReturnValue {
    if (semicolon === ret + 1) return { kind: 'none' };
    const [a, b] = unwrap(this.t, ret + 1, semicolon - 1, false);
    const last = this.calls.length - 1;
    if (last >= 0 && this.callEnd[last] === b && this.callStart[last] === a) return { kind: 'call', call: last };
    return { kind: 'other' };
  }
}
