// A file's facts read from tokens rather than from a syntax tree: several times faster than
// tree-sitter, for the ~99% of files whose functions never touch a lock primitive and so need
// no control flow. What it reads mirrors extractFileFacts (and BodyWalker, collectInitializers)
// on the same text; the flow is coarse (coarseFlow). Pure: no I/O, no state across calls.
import type { FieldAssignment, FileFacts, FunctionFact, FunctionFlow, ReturnValue, StructField } from '../../model/facts';
import type { Scope } from '../scope';
import {
  eachItem, findAtDepth0, isName, isPunct, readDeclarator, readSpecifiers, tokenInitializers,
} from './cDeclarations';
import { columnOf, KW_EXTERN, PP_ENDIF, PP_IF, T_IDENT, T_PP, T_STRING, tokenize, type Tokens } from './cTokens';
import { syscallFunctionName } from '../kernelMacros';
import { TokenBody } from './tokenBody';


/**
 * Undefined when brackets do not balance (a few files in a kernel, e.g. `#if` arms that each
 * open a block): tokens cannot say where a definition ends, and one unclosed `(` would hide
 * every function after it. A full parse recovers around such places.
 */
export function readTokenFacts(file: string, text: string): FileFacts | undefined {
  const tokens = tokenize(text);
  if (tokens.unmatched > 0) return undefined;
  const reader = new FileReader(tokens);
  reader.read();
  return {
    file,
    functions: reader.functions,
    fieldAssignments: reader.fieldAssignments,
    structFields: reader.structFields,
    errorNodes: reader.unreadBlocks,
    reader: 'tokens',
  };
}

class FileReader {
  readonly functions: FunctionFact[] = [];
  readonly fieldAssignments: FieldAssignment[] = [];
  readonly structFields: StructField[] = [];
  private readonly globals: Scope = new Map();
  /** File-scope `{ }` blocks passed over without being read as a definition, table or struct. */
  unreadBlocks = 0;

  constructor(private readonly t: Tokens) {}

  /** Past the block opened at `open`, counted as unread. */
  private passBlock(open: number): number {
    this.unreadBlocks++;
    return this.t.match[open]! + 1;
  }

  read(): void {
    const t = this.t;
    const n = t.count;
    let depth = 0;
    let i = 0;
    while (i < n) {
      const k = t.kind[i];
      if (k === T_PP) {
        const v = t.id[i];
        if (v === PP_IF) depth++;
        else if (v === PP_ENDIF && depth > 0) depth--;
        i++;
        continue;
      }
      if (k !== T_IDENT) {
        // `;`, the `}` of `extern "C" {`, or debris: skip a block whole, anything else by itself
        i = isPunct(t, i, 123) && t.match[i]! > i ? this.passBlock(i) : i + 1;
        continue;
      }
      if (t.id[i] === KW_EXTERN && t.kind[i + 1] === T_STRING && isPunct(t, i + 2, 123)) {
        i += 3; // `extern "C" {`: its declarations are file-scope ones
        continue;
      }
      const next = this.declaration(i, depth > 0);
      i = next > i ? next : i + 1;
    }
  }

  /** Reads the file-scope declaration or definition at `i`; returns where the next one starts. */
  private declaration(i: number, conditional: boolean): number {
    const t = this.t;
    const n = t.count;
    if (isName(t, i) && isPunct(t, i + 1, 40)) {
      const close = t.match[i + 1]!;
      if (close > 0 && isPunct(t, close + 1, 123)) {
        // `MACRO(...) { ... }`: tree-sitter reads an expression statement and a block; only
        // SYSCALL_DEFINEn makes it a function
        const end = t.match[close + 1]!;
        if (end < 0) return n;
        return this.syscall(i, close, end, conditional) ? end + 1 : this.passBlock(close + 1);
      }
      // `EXPORT_SYMBOL(f);`, `module_init(f)`: an expression statement to tree-sitter, no
      // declaration (`DEFINE_LSM(x) = { ... }` is one). A macro that defines functions is often
      // written without `;` (`TLV_PUT_DEFINE_INT(64)`): a line break then ends it, or the
      // definition on the next line would be skipped with it.
      if (close > 0 && !isPunct(t, close + 1, 61)) {
        return close + 1 < n && t.line[close + 1]! > t.line[close]! && !isPunct(t, close + 1, 59) ? close + 1 : this.skip(close + 1);
      }
    }
    const spec = readSpecifiers(t, i, n);
    let j = spec.next;
    if (!spec.hasType) return this.skip(j);
    // `STATIC uint name(...)`: a macro among the specifiers; the last word is the type
    while (isName(t, j) && isName(t, j + 1)) spec.type = t.names[t.id[j++]!];
    let first = true;
    while (j < n) {
      const d = readDeclarator(t, j, n);
      if (first && spec.bodyOpen >= 0) {
        const alias = spec.isTypedef && d.name >= 0 ? t.names[t.id[d.name]!] : undefined;
        const name = spec.tag ?? alias;
        if (name !== undefined) this.structBody(spec.bodyOpen, name);
      }
      first = false;
      if (d.name < 0) return this.skip(d.next);
      j = d.next;
      if (isPunct(t, j, 123)) {
        const end = t.match[j]!;
        if (end < 0) return n;
        if (d.params >= 0 && !spec.isTypedef) this.definition(i, spec.isStatic, d.name, d.params, j, end, conditional);
        return end + 1;
      }
      if (!d.isFunction && !spec.isTypedef) this.globals.set(t.names[t.id[d.name]!]!, spec.type ?? '');
      if (isPunct(t, j, 61)) {
        if (isPunct(t, j + 1, 123) && !spec.isTypedef) tokenInitializers(t, j + 1, spec.type, this.fieldAssignments, t.names[t.id[d.name]!]);
        j = findAtDepth0(t, j + 1, n, 44, 59, true);
        if (j < n && t.kind[j] === T_PP) return j;
      } else if (!isPunct(t, j, 44) && !isPunct(t, j, 59)) {
        return this.skip(j);
      }
      if (j >= n || !isPunct(t, j, 44)) return j + 1;
      j++;
    }
    return j;
  }

  /** Past the `;` or the `{ }` block that ends what cannot be read from `j`. */
  private skip(j: number): number {
    const t = this.t;
    const at = findAtDepth0(t, j, t.count, 59, 123, true);
    if (at < t.count && t.kind[at] === T_PP) return at;
    if (at < t.count && isPunct(t, at, 123)) {
      if (t.match[at]! < 0) return t.count;
      // `static DEFINE_PER_CPU(struct x, y) = { ... }`: an initializer, not code left unread
      return isPunct(t, at - 1, 61) ? t.match[at]! + 1 : this.passBlock(at);
    }
    return at + 1;
  }

  /** `struct S { ... }` opened at `open`: fields of struct or typedef type, anonymous members folded in. */
  private structBody(open: number, struct: string): void {
    const t = this.t;
    eachItem(t, open, 59, (i, end) => {
      const spec = readSpecifiers(t, i, end);
      if (!spec.hasType) return;
      if (spec.next >= end) {
        // no declarator: an anonymous member whose fields are the outer struct's
        if (spec.bodyOpen >= 0) this.structBody(spec.bodyOpen, struct);
        return;
      }
      if (spec.bodyOpen >= 0 && spec.tag !== undefined) this.structBody(spec.bodyOpen, spec.tag);
      if (spec.type === undefined) return;
      let j = spec.next;
      while (j < end) {
        const d = readDeclarator(t, j, end);
        if (d.name < 0) break;
        if (!d.isFunction) this.structFields.push({ struct, field: t.names[t.id[d.name]!]!, type: spec.type });
        j = findAtDepth0(t, d.next, end, 44, 44) + 1;
      }
    });
  }


  private definition(start: number, isStatic: boolean, nameTok: number, params: number, open: number, close: number, conditional: boolean): void {
    const t = this.t;
    const scope: Scope = new Map();
    const paramsEnd = t.match[params]!;
    let j = params + 1;
    while (j < paramsEnd) {
      const to = findAtDepth0(t, j, paramsEnd, 44, 44);
      const spec = readSpecifiers(t, j, to);
      const d = readDeclarator(t, spec.next, to);
      if (d.name >= 0) scope.set(t.names[t.id[d.name]!]!, d.isFunction ? '' : spec.type ?? '');
      j = to + 1;
    }
    this.functions.push(this.walk(t.names[t.id[nameTok]!]!, isStatic, 'function', start, nameTok, open, close, conditional, scope));
  }

  /**
   * `SYSCALL_DEFINEn(name, type1, arg1, ...) { ... }`, macro at `macro`, its `)` at `close`;
   * false when the macro defines no system call (its block is then left unread).
   */
  private syscall(macro: number, close: number, end: number, conditional: boolean): boolean {
    const t = this.t;
    const args: [number, number][] = [];
    let j = macro + 2;
    while (j < close) {
      const to = findAtDepth0(t, j, close, 44, 44);
      args.push([j, to - 1]);
      j = to + 1;
    }
    const first = args[0];
    if (first === undefined || first[0] !== first[1] || !isName(t, first[0])) return false;
    const name = syscallFunctionName(t.names[t.id[macro]!]!, t.names[t.id[first[0]]!]!);
    if (name === undefined) return false;
    const scope: Scope = new Map();
    for (let a = 2; a < args.length; a += 2) {
      const [x, y] = args[a]!;
      if (x === y && isName(t, x)) scope.set(t.names[t.id[x]!]!, '');
    }
    this.functions.push(this.walk(name, false, 'syscall', macro, first[0], close + 1, end, conditional, scope));
    return true;
  }

  private walk(
    name: string, isStatic: boolean, kind: FunctionFact['kind'], start: number, nameTok: number, open: number, close: number,
    conditional: boolean, scope: Scope,
  ): FunctionFact {
    const t = this.t;
    const body = new TokenBody(t, scope, this.globals, this.fieldAssignments);
    body.walk(open + 1, close, true);
    return {
      name, isStatic, kind,
      startLine: t.line[start]!,
      endLine: t.line[close]!,
      nameLine: t.line[nameTok]!,
      nameColumn: columnOf(t, nameTok),
      conditional,
      calls: body.calls,
      flow: coarseFlow(body.calls.length, body.exits),
      bodyErrors: 0,
    };
  }
}

/**
 * Flow without branches: block 0 makes every call in source order and may leave through any
 * `return` (one exit block each, so that `return f(x);` still shows f as a tail call) or by
 * falling off the end.
 */
export function coarseFlow(calls: number, exits: ReturnValue[]): FunctionFlow {
  const entry = { events: Array.from({ length: calls }, (_, call) => ({ kind: 'call' as const, call })), succ: [] as { to: number }[] };
  const blocks: FunctionFlow['blocks'] = [entry];
  for (const exit of [...exits, { kind: 'none' } as const]) {
    entry.succ.push({ to: blocks.length });
    blocks.push({ events: [], succ: [], exit });
  }
  return { blocks, returnedVars: [], trackedVars: [] };
}
