// Walks one function body: records its call sites in evaluation order, its control flow
// (branches, loops, switch, goto, return) and the field assignments it makes.
import type { Node } from 'web-tree-sitter';
import type { CallSite, FieldAssignment, ReturnValue } from '../../model/facts';
import { cond, negatedCall, readCondition, type Test } from './conditions';
import { FlowBuilder } from './flowBuilder';
import { ARG_TEXT_MAX, isConditionWrapper, isForeachMacro, isLsmHookCall, LSM_HOOK_UNION, POINTER_CALLEE_MAX } from '../kernelMacros';
import { collectInitializers } from './initializers';
import type { Scope } from '../scope';
import {
  compactText, declaredName, field, inertText, isTrueLiteral, isZeroLiteral, literalValue, named,
  typeName, unwrapTyped,
} from '../syntax';

interface LoopTargets {
  breakTo: number;
  continueTo: number | undefined;
}



/** Declarator node types a declaration's names come from. */
const DECLARATORS: ReadonlySet<string> = new Set(['init_declarator', 'identifier', 'pointer_declarator', 'array_declarator', 'function_declarator']);

/** Operators that do not evaluate their operand. */
const UNEVALUATED = new Set(['sizeof_expression', 'alignof_expression', 'offsetof_expression', 'type_descriptor', 'string_literal', 'concatenated_string', 'char_literal', 'number_literal']);

export class BodyWalker {
  readonly calls: CallSite[] = [];
  readonly flow = new FlowBuilder();
  errors = 0;
  private readonly callIndex = new Map<number, number>();
  private readonly loops: LoopTargets[] = [];
  private readonly switches: number[] = [];
  /**
   * True while walking a statement tree-sitter parsed without errors. Then no ERROR or MISSING
   * node is inside, every syntactic form has its tokens, and an expression whose source holds no
   * `(`, `=`, `{`, `++` or `--` can be skipped without asking the tree for its type or children.
   */
  private exact = false;

  /**
   * `source` is the text the tree was parsed from. Walk methods take `limit`, an offset the node
   * ends at or before (the next sibling's start): the range `inertText` checks.
   */
  constructor(
    private readonly scope: Scope,
    private readonly globals: Scope,
    private readonly fieldAssignments: FieldAssignment[],
    private readonly source: string,
  ) {}

  /** Walks a function body. */
  body(node: Node): void {
    this.exact = !node.hasError;
    this.statement(node, node.endIndex);
  }

  // ---- statements -------------------------------------------------------------------

  private statement(node: Node, limit: number, type = node.type): void {
    switch (type) {
      case 'compound_statement':
        this.statementList(node, limit);
        return;
      case 'expression_statement':
        this.expressionList(node, limit, false);
        return;
      case 'declaration':
        this.declaration(node, limit);
        return;
      case 'if_statement':
        this.ifStatement(node, limit);
        return;
      case 'while_statement':
        this.whileStatement(node, limit);
        return;
      case 'do_statement':
        this.doStatement(node, limit);
        return;
      case 'for_statement':
        this.forStatement(node, limit);
        return;
      case 'switch_statement':
        this.switchStatement(node, limit);
        return;
      case 'case_statement':
        this.caseStatement(node, limit);
        return;
      case 'return_statement':
        this.returnStatement(node, limit);
        return;
      case 'goto_statement':
        this.flow.goto(field(node, 'label')?.text ?? '');
        return;
      case 'labeled_statement':
        this.labeledStatement(node, limit);
        return;
      case 'break_statement': {
        const target = this.loops[this.loops.length - 1];
        if (target !== undefined) this.flow.edgeTo(target.breakTo);
        this.flow.stop();
        return;
      }
      case 'continue_statement': {
        const target = [...this.loops].reverse().find((l) => l.continueTo !== undefined);
        if (target?.continueTo !== undefined) this.flow.edgeTo(target.continueTo);
        this.flow.stop();
        return;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        this.preprocBranch(node, limit);
        return;
      case 'ERROR':
        this.errors++;
        this.statementList(node, limit);
        return;
      case 'comment':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_call':
      case 'preproc_include':
      case 'type_definition':
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        return;
      default:
        if (!this.exact && node.isMissing) return;
        this.expression(node, limit, type);
    }
  }

  /** Named children in order, recognising `for_each_macro(...) { body }` as a loop. */
  private statementList(node: Node, limit: number): void {
    const children = named(node);
    const n = children.length;
    const end = (i: number): number => (i < n ? children[i]!.startIndex : limit);
    let nextType: string | undefined;
    for (let i = 0; i < n; i++) {
      const child = children[i]!;
      const type = nextType ?? child.type;
      nextType = undefined;
      const outer = this.exact;
      if (!outer) this.exact = !child.hasError;
      // Without errors the statement ends with a real `;`: the macro form lacks one.
      const macro = type === 'expression_statement' && !this.exact ? this.foreachMacroCall(child) : undefined;
      const next = i + 1 < n ? children[i + 1]! : null;
      if (macro !== undefined && next !== null) nextType = next.type;
      if (macro !== undefined && next !== null && isStatement(nextType!)) {
        this.macroLoop(macro, next, nextType!, end(i + 2));
        nextType = undefined;
        i++;
      } else {
        this.statement(child, end(i + 1), type);
      }
      this.exact = outer;
    }
  }

  /** The call of an expression statement that is a foreach macro followed by its body. */
  private foreachMacroCall(node: Node): Node | undefined {
    const call = node.namedChild(0);
    if (call?.type !== 'call_expression') return undefined;
    const fn = field(call, 'function');
    if (fn?.type !== 'identifier' || !isForeachMacro(fn.text)) return undefined;
    // A real statement ends with ';': the macro form has a MISSING one.
    const last = node.child(node.childCount - 1);
    return last !== null && last.type === ';' && !last.isMissing ? undefined : call;
  }

  private macroLoop(header: Node, body: Node, bodyType: string, limit: number): void {
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const args = field(header, 'arguments');
    if (args !== null) this.expression(args, body.startIndex);
    this.loopBody(head, body, head, undefined, false, limit, bodyType);
  }

  /** Body of a loop whose head is `head`: may run (edge head->body) or not (head->exit). */
  private loopBody(head: number, body: Node, continueTo: number, test: Test | undefined, infinite: boolean, limit: number, bodyType?: string): void {
    const bodyBlock = this.flow.newBlock();
    const exitBlock = this.flow.newBlock();
    this.flow.edge(head, bodyBlock, test && cond(test, true));
    if (!infinite) this.flow.edge(head, exitBlock, test && cond(test, false));
    this.loops.push({ breakTo: exitBlock, continueTo });
    this.flow.moveTo(bodyBlock);
    this.statement(body, limit, bodyType);
    this.flow.edgeTo(continueTo);
    this.loops.pop();
    this.flow.moveTo(exitBlock);
  }

  private declaration(node: Node, limit: number): void {
    const type = typeName(field(node, 'type'));
    const children = named(node);
    const n = children.length;
    for (let i = 0; i < n; i++) {
      const d = children[i]!;
      const dType = d.type;
      if (!DECLARATORS.has(dType)) continue;
      const declared = declaredName(d, dType);
      if (declared === undefined) continue;
      this.scope.set(declared.name, declared.isFunction ? '' : type ?? '');
      if (dType === 'init_declarator') {
        const value = field(d, 'value');
        if (value === null) continue;
        const end = i + 1 < n ? children[i + 1]!.startIndex : limit;
        const valueType = value.type;
        if (valueType === 'initializer_list') {
          collectInitializers(value, type, this.fieldAssignments, this.source, declared.name);
          this.expression(value, end, valueType);
          continue;
        }
        this.assignFrom(declared.name, value, end, valueType);
      }
    }
  }

  private ifStatement(node: Node, limit: number): void {
    const consequence = field(node, 'consequence');
    const alternative = field(node, 'alternative');
    const thenBlock = this.flow.newBlock();
    const elseBlock = this.flow.newBlock();
    this.branch(field(node, 'condition'), consequence?.startIndex ?? limit, thenBlock, elseBlock);
    const join = this.flow.newBlock();
    this.flow.moveTo(thenBlock);
    if (consequence !== null) this.statement(consequence, alternative?.startIndex ?? limit);
    this.flow.edgeTo(join);
    this.flow.moveTo(elseBlock);
    if (alternative !== null) {
      // else_clause wraps the statement
      for (const c of named(alternative)) this.statement(c, limit);
    }
    this.flow.edgeTo(join);
    this.flow.moveTo(join);
  }

  private whileStatement(node: Node, limit: number): void {
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const condition = field(node, 'condition');
    const body = field(node, 'body');
    const infinite = condition !== null && isTrueLiteral(condition, this.source);
    const test = this.condition(condition, body?.startIndex ?? limit);
    if (body !== null) this.loopBody(head, body, head, test, infinite, limit);
  }

  private doStatement(node: Node, limit: number): void {
    const bodyBlock = this.flow.newBlock();
    const condBlock = this.flow.newBlock();
    const exitBlock = this.flow.newBlock();
    this.flow.edgeTo(bodyBlock);
    this.flow.moveTo(bodyBlock);
    this.loops.push({ breakTo: exitBlock, continueTo: condBlock });
    const body = field(node, 'body');
    const condition = field(node, 'condition');
    if (body !== null) this.statement(body, condition?.startIndex ?? limit);
    this.loops.pop();
    this.flow.edgeTo(condBlock);
    this.flow.moveTo(condBlock);
    const once = condition !== null && isZeroLiteral(condition, this.source);
    const test = this.condition(condition, limit);
    if (!once) this.flow.edge(condBlock, bodyBlock, test && cond(test, true));
    this.flow.edge(condBlock, exitBlock, test && !once ? cond(test, false) : undefined);
    this.flow.moveTo(exitBlock);
  }

  private forStatement(node: Node, limit: number): void {
    const init = field(node, 'initializer');
    const condition = field(node, 'condition');
    const update = field(node, 'update');
    const body = field(node, 'body');
    if (init !== null) this.statement(init, condition?.startIndex ?? update?.startIndex ?? body?.startIndex ?? limit);
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const test = this.condition(condition, update?.startIndex ?? body?.startIndex ?? limit);
    const updateBlock = this.flow.newBlock();
    if (body === null) return;
    // The update runs after the body and before the next test.
    const saved = this.flow;
    this.loopBody(head, body, updateBlock, test, condition === null || isTrueLiteral(condition, this.source), limit);
    const exit = saved.cursor;
    saved.moveTo(updateBlock);
    if (update !== null) this.expression(update, body.startIndex);
    saved.edgeTo(head);
    saved.moveTo(exit);
  }

  private switchStatement(node: Node, limit: number): void {
    const body = field(node, 'body');
    this.condition(field(node, 'condition'), body?.startIndex ?? limit);
    const from = this.flow.cursor;
    const exitBlock = this.flow.newBlock();
    this.switches.push(from);
    this.loops.push({ breakTo: exitBlock, continueTo: undefined });
    this.flow.stop();
    let hasDefault = false;
    if (body !== null) {
      const children = named(body);
      const n = children.length;
      for (let i = 0; i < n; i++) {
        const child = children[i]!;
        const type = child.type;
        if (type === 'case_statement' && field(child, 'value') === null) hasDefault = true;
        this.statement(child, i + 1 < n ? children[i + 1]!.startIndex : limit, type);
      }
    }
    this.flow.edgeTo(exitBlock);
    if (!hasDefault) this.flow.edge(from, exitBlock);
    this.loops.pop();
    this.switches.pop();
    this.flow.moveTo(exitBlock);
  }

  private caseStatement(node: Node, limit: number): void {
    const caseBlock = this.flow.newBlock();
    this.flow.edgeTo(caseBlock); // fall-through from the previous case
    const from = this.switches[this.switches.length - 1];
    if (from !== undefined) this.flow.edge(from, caseBlock);
    this.flow.moveTo(caseBlock);
    const value = field(node, 'value');
    const children = named(node);
    const n = children.length;
    for (let i = 0; i < n; i++) {
      const child = children[i]!;
      if (value !== null && child.id === value.id) continue;
      this.statement(child, i + 1 < n ? children[i + 1]!.startIndex : limit);
    }
  }

  private returnStatement(node: Node, limit: number): void {
    const valueNode = node.namedChild(0);
    let value: ReturnValue = { kind: 'none' };
    if (valueNode !== null) {
      const type = valueNode.type;
      const call = this.expression(valueNode, limit, type);
      value = this.returnValue(valueNode, type, call);
    }
    this.flow.exit(value);
  }

  private returnValue(node: Node, nodeType: string, call: number | undefined): ReturnValue {
    const u = unwrapTyped(node, nodeType);
    const { node: n, type } = u;
    if (type === 'call_expression' && call !== undefined) return { kind: 'call', call };
    if (type === 'identifier') {
      const text = n.text;
      if (text === 'NULL' || text === 'false') return { kind: 'const', zero: true };
      if (text === 'true') return { kind: 'const', zero: false };
      return { kind: 'var', name: text };
    }
    if (type === 'number_literal') return { kind: 'const', zero: literalValue(u, this.source) === 'zero' };
    if (type === 'true') return { kind: 'const', zero: false };
    if (type === 'false' || type === 'null') return { kind: 'const', zero: true };
    // -EINVAL, -ENOMEM: error codes are non-zero.
    if (type === 'unary_expression' && n.child(0)?.type === '-') return { kind: 'const', zero: false };
    return { kind: 'other' };
  }

  private labeledStatement(node: Node, limit: number): void {
    const label = field(node, 'label')?.text ?? '';
    const block = this.flow.labelBlock(label);
    this.flow.edgeTo(block);
    this.flow.moveTo(block);
    const children = named(node);
    const n = children.length;
    for (let i = 0; i < n; i++) {
      const child = children[i]!;
      const type = child.type;
      if (type === 'statement_identifier') continue;
      this.statement(child, i + 1 < n ? children[i + 1]!.startIndex : limit, type);
    }
  }

  /** `#if A ... #else ... #endif` inside a body: either branch may be compiled. */
  private preprocBranch(node: Node, limit: number): void {
    const from = this.flow.cursor;
    const join = this.flow.newBlock();
    const alternative = field(node, 'alternative');
    const conditionId = field(node, 'condition')?.id;
    const nameId = field(node, 'name')?.id;
    const taken = this.flow.newBlock();
    this.flow.edge(from, taken);
    this.flow.moveTo(taken);
    const children = named(node);
    const n = children.length;
    for (let i = 0; i < n; i++) {
      const child = children[i]!;
      const id = child.id;
      if (id !== alternative?.id && id !== conditionId && id !== nameId) {
        this.statement(child, i + 1 < n ? children[i + 1]!.startIndex : limit);
      }
    }
    this.flow.edgeTo(join);
    if (alternative !== null) {
      const other = this.flow.newBlock();
      this.flow.edge(from, other);
      this.flow.moveTo(other);
      this.preprocBranch(alternative, limit);
      this.flow.edgeTo(join);
    } else {
      this.flow.edge(from, join);
    }
    this.flow.moveTo(join);
  }

  // ---- expressions ------------------------------------------------------------------

  /** Records the calls of an expression in evaluation order; returns the index of its own call. */
  private expression(node: Node, limit: number, knownType?: string): number | undefined {
    if (this.exact && inertText(this.source, node.startIndex, limit)) return undefined;
    const type = knownType ?? node.type;
    switch (type) {
      case 'call_expression':
        return this.callExpression(node, limit);
      case 'assignment_expression':
        this.assignment(node, limit);
        return undefined;
      case 'update_expression': {
        const arg = field(node, 'argument');
        if (arg?.type === 'identifier') this.flow.emit({ kind: 'kill', variable: arg.text });
        return undefined;
      }
      case 'compound_statement':
        // GNU statement expression `({ ... })`
        this.statement(node, limit, type);
        return undefined;
      case 'identifier':
      case 'field_identifier':
      case 'comment':
        return undefined;
      case 'ERROR':
        this.errors++;
        this.statementList(node, limit);
        return undefined;
      default:
        if (UNEVALUATED.has(type)) return undefined;
        return this.expressionList(node, limit, type === 'parenthesized_expression');
    }
  }

  /** Each named child as an expression; with `own`, returns the last one's own call. */
  private expressionList(node: Node, limit: number, own: boolean): number | undefined {
    if (this.exact) {
      // Argument lists, parenthesised expressions, casts: the `(` they open with is no call of
      // theirs (a call's `(` follows its function), and skipping it spares reading the children.
      const start = node.startIndex;
      if (inertText(this.source, this.source.charCodeAt(start) === CHAR_PAREN ? start + 1 : start, limit)) return undefined;
    }
    const children = named(node);
    const n = children.length;
    let result: number | undefined;
    for (let i = 0; i < n; i++) {
      const r = this.expression(children[i]!, i + 1 < n ? children[i + 1]!.startIndex : limit);
      if (own) result = r;
    }
    return result;
  }

  private callExpression(node: Node, limit: number): number | undefined {
    const fn = field(node, 'function');
    const args = field(node, 'arguments');
    if (fn === null) return undefined;
    const fnType = fn.type;
    const fnText = fnType === 'identifier' ? fn.text : undefined;
    if (fnText !== undefined && isConditionWrapper(fnText)) {
      return args === null ? undefined : this.expressionList(args, limit, true);
    }
    if (fnText === undefined) this.expression(fn, args?.startIndex ?? limit, fnType);
    if (args !== null) this.expressionList(args, limit, false);
    const site = this.callSite(fn, fnType, fnText, args);
    if (site === undefined) return undefined;
    const index = this.calls.length;
    this.calls.push(site);
    this.callIndex.set(node.id, index);
    this.flow.emit({ kind: 'call', call: index });
    return index;
  }

  /** `fnText` is the text of `fn` when it is an identifier. */
  private callSite(fn: Node, fnType: string, fnText: string | undefined, args: Node | null): CallSite | undefined {
    const argText = args === null ? '' : compactText(args.text.slice(1, -1), ARG_TEXT_MAX);
    if (fnText !== undefined) return (isLsmHookCall(fnText) ? lsmHookCall(args, argText) : undefined) ?? this.identifierCall(fn, fnText, argText);
    const target = unwrapTyped(fn, fnType);
    let callee = target;
    if (target.type === 'pointer_expression') {
      const arg = field(target.node, 'argument');
      if (arg !== null) callee = unwrapTyped(arg, arg.type);
    }
    const node = callee.node;
    if (callee.type === 'identifier') return this.identifierCall(node, node.text, argText);
    if (callee.type === 'field_expression') {
      const fieldNode = field(node, 'field');
      if (fieldNode === null) return undefined;
      const object = field(node, 'argument');
      const site: CallSite = {
        kind: 'field', callee: fieldNode.text,
        line: fieldNode.startPosition.row + 1, column: fieldNode.startPosition.column + 1, args: argText,
      };
      const receiver = object === null ? undefined : this.typePath(object);
      if (receiver !== undefined) site.receiverType = receiver;
      return site;
    }
    return {
      kind: 'pointer', callee: compactText(node.text, POINTER_CALLEE_MAX),
      line: node.startPosition.row + 1, column: node.startPosition.column + 1, args: argText,
    };
  }

  private identifierCall(callee: Node, name: string, args: string): CallSite {
    return {
      kind: this.scope.has(name) ? 'pointer' : 'direct', callee: name,
      line: callee.startPosition.row + 1, column: callee.startPosition.column + 1, args,
    };
  }

  /** `in->f_op` -> `file.f_op` when `in` is declared `struct file *in`. */
  private typePath(node: Node): string | undefined {
    const { node: n, type } = unwrapTyped(node, node.type);
    switch (type) {
      case 'identifier': {
        const text = n.text;
        const t = this.scope.get(text) ?? this.globals.get(text);
        return t === undefined || t === '' ? undefined : t;
      }
      case 'field_expression': {
        const base = field(n, 'argument');
        const fieldNode = field(n, 'field');
        if (base === null || fieldNode === null) return undefined;
        const path = this.typePath(base);
        return path === undefined ? undefined : `${path}.${fieldNode.text}`;
      }
      case 'subscript_expression':
      case 'pointer_expression': {
        const base = field(n, 'argument');
        return base === null ? undefined : this.typePath(base);
      }
      default:
        if ((n === node ? type : node.type) === 'cast_expression') {
          const t = field(node, 'type');
          return typeName(t === null ? null : field(t, 'type'));
        }
        return undefined;
    }
  }

  private assignment(node: Node, limit: number): void {
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (left === null || right === null) return;
    const leftType = left.type;
    if (leftType === 'identifier' && this.isPlainAssignment(node)) {
      this.assignFrom(left.text, right, limit);
      return;
    }
    this.expression(right, limit);
    if (leftType === 'identifier') {
      this.flow.emit({ kind: 'kill', variable: left.text });
      return;
    }
    this.expression(left, right.startIndex, leftType);
    if (leftType !== 'field_expression') return;
    const value = unwrapTyped(right, right.type);
    if (value.type === 'identifier') {
      const fieldNode = field(left, 'field');
      const object = field(left, 'argument');
      if (fieldNode !== null) {
        const a: FieldAssignment = { field: fieldNode.text, fn: value.node.text, line: left.startPosition.row + 1 };
        const t = object === null ? undefined : this.typePath(object);
        if (t !== undefined) a.structType = t;
        this.fieldAssignments.push(a);
      }
    }
  }

  /** `=` rather than `+=`, `|=`, ... */
  private isPlainAssignment(node: Node): boolean {
    const op = field(node, 'operator');
    if (op === null) return node.child(1)?.text === '=';
    // Of the assignment operators only `=` starts with `=`; a MISSING one has no text of its own.
    return this.exact ? this.source.charCodeAt(op.startIndex) === CHAR_EQUALS : op.text === '=';
  }

  private assignFrom(variable: string, value: Node, limit: number, knownType?: string): void {
    const type = knownType ?? value.type;
    const call = this.expression(value, limit, type);
    const u = unwrapTyped(value, type);
    if (call !== undefined && u.type === 'call_expression') {
      this.calls[call]!.assignedTo = variable;
      return;
    }
    const negated = negatedCall(u.node, u.type);
    const negatedIndex = negated === undefined ? undefined : this.callIndex.get(negated.id);
    if (negatedIndex !== undefined) {
      this.calls[negatedIndex]!.assignedTo = variable;
      this.calls[negatedIndex]!.assignedNegated = true;
      return;
    }
    const literal = literalValue(u, this.source);
    if (literal === 'zero') {
      this.flow.emit({ kind: 'kill', variable, value: 'zero' });
    } else if (literal === 'nonzero') {
      // flags such as `do_truncate = true` that later decide whether to release
      this.flow.emit({ kind: 'kill', variable, value: 'nonzero' });
    } else {
      this.flow.emit({ kind: 'kill', variable });
    }
  }

  /**
   * Walks a branch condition into edges to `thenBlock` and `elseBlock`. `a && b` and `a || b`
   * short-circuit: b's calls run, and b is tested, only on a's way on
   * (`if (check_free_space(acct) && file_start_write_trylock(file))` holds only when both pass).
   */
  private branch(node: Node | null, limit: number, thenBlock: number, elseBlock: number): void {
    const u = node === null ? undefined : unwrapTyped(node, node.type);
    if (u !== undefined && u.type === 'binary_expression') {
      const op = field(u.node, 'operator')?.text ?? u.node.child(1)?.text;
      const left = field(u.node, 'left');
      const right = field(u.node, 'right');
      if ((op === '&&' || op === '||') && left !== null && right !== null) {
        const next = this.flow.newBlock();
        if (op === '&&') this.branch(left, right.startIndex, next, elseBlock);
        else this.branch(left, right.startIndex, thenBlock, next);
        this.flow.moveTo(next);
        this.branch(right, limit, thenBlock, elseBlock);
        return;
      }
    }
    const test = this.condition(node, limit);
    const from = this.flow.cursor;
    this.flow.edge(from, thenBlock, test && cond(test, true));
    this.flow.edge(from, elseBlock, test && cond(test, false));
  }

  /** Walks a condition's calls and works out what it tests. */
  private condition(node: Node | null, limit: number): Test | undefined {
    if (node === null) return undefined;
    const type = node.type;
    this.expression(node, limit, type);
    return readCondition(node, this.callIndex, this.source, type);
  }
}

const CHAR_PAREN = 40;
const CHAR_EQUALS = 61;

function isStatement(type: string): boolean {
  return type.endsWith('_statement') || type === 'declaration';
}

/** `call_int_hook(HOOK, ...)`: a call through field HOOK of the LSM hook union (kernelMacros), placed at HOOK. */
function lsmHookCall(args: Node | null, argText: string): CallSite | undefined {
  const hook = args?.namedChild(0);
  if (hook?.type !== 'identifier') return undefined;
  return {
    kind: 'field', callee: hook.text, receiverType: LSM_HOOK_UNION,
    line: hook.startPosition.row + 1, column: hook.startPosition.column + 1, args: argText,
  };
}
