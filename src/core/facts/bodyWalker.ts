// Walks one function body: records its call sites in evaluation order, its control flow
// (branches, loops, switch, goto, return) and the field assignments it makes.
import type { Node } from 'web-tree-sitter';
import type { CallSite, FieldAssignment, ReturnValue } from '../model/facts';
import { cond, negatedCall, readCondition, type Test } from './conditions';
import { FlowBuilder } from './flowBuilder';
import { collectInitializers } from './initializers';
import {
  compactText, declaredName, named, isConditionWrapper, isTrueLiteral, isZeroLiteral, typeName, unwrapExpression,
} from './syntax';

/** Names of variables in scope mapped to their struct type (or '' when not a struct). */
export type Scope = Map<string, string>;

interface LoopTargets {
  breakTo: number;
  continueTo: number | undefined;
}

/** Argument text kept per call: enough to read the call and to match exemptions by argument. */
const ARG_TEXT_MAX = 80;

/** Macro loops such as `list_for_each_entry(pos, head, member) { ... }`. */
const FOREACH_MACRO = /for_each|_foreach|^foreach/;

/** Operators that do not evaluate their operand. */
const UNEVALUATED = new Set(['sizeof_expression', 'alignof_expression', 'offsetof_expression', 'type_descriptor', 'string_literal', 'concatenated_string', 'char_literal', 'number_literal']);

export class BodyWalker {
  readonly calls: CallSite[] = [];
  readonly flow = new FlowBuilder();
  errors = 0;
  private readonly callIndex = new Map<number, number>();
  private readonly loops: LoopTargets[] = [];
  private readonly switches: number[] = [];

  constructor(
    private readonly scope: Scope,
    private readonly globals: Scope,
    private readonly fieldAssignments: FieldAssignment[],
  ) {}

  // ---- statements -------------------------------------------------------------------

  statement(node: Node): void {
    switch (node.type) {
      case 'compound_statement':
        this.statementList(node, 0);
        return;
      case 'expression_statement':
        for (const c of named(node)) this.expression(c);
        return;
      case 'declaration':
        this.declaration(node);
        return;
      case 'if_statement':
        this.ifStatement(node);
        return;
      case 'while_statement':
        this.whileStatement(node);
        return;
      case 'do_statement':
        this.doStatement(node);
        return;
      case 'for_statement':
        this.forStatement(node);
        return;
      case 'switch_statement':
        this.switchStatement(node);
        return;
      case 'case_statement':
        this.caseStatement(node);
        return;
      case 'return_statement':
        this.returnStatement(node);
        return;
      case 'goto_statement':
        this.flow.goto(node.childForFieldName('label')?.text ?? '');
        return;
      case 'labeled_statement':
        this.labeledStatement(node);
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
        this.preprocBranch(node);
        return;
      case 'ERROR':
        this.errors++;
        this.statementList(node, 0);
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
        if (node.isMissing) return;
        this.expression(node);
    }
  }

  /** Children from `start` on, recognising `for_each_macro(...) { body }` as a loop. */
  private statementList(node: Node, start: number): void {
    const children = named(node);
    const n = children.length;
    for (let i = start; i < n; i++) {
      const child = children[i]!;
      const next = i + 1 < n ? children[i + 1]! : null;
      const macro = this.foreachMacroCall(child);
      if (macro !== undefined && next !== null && isStatement(next)) {
        this.macroLoop(macro, next);
        i++;
        continue;
      }
      this.statement(child);
    }
  }

  private foreachMacroCall(node: Node): Node | undefined {
    if (node.type !== 'expression_statement') return undefined;
    const call = node.namedChild(0);
    if (call?.type !== 'call_expression') return undefined;
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || !FOREACH_MACRO.test(fn.text)) return undefined;
    // A real statement ends with ';': the macro form has a MISSING one.
    const last = node.child(node.childCount - 1);
    return last !== null && last.type === ';' && !last.isMissing ? undefined : call;
  }

  private macroLoop(header: Node, body: Node): void {
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const args = header.childForFieldName('arguments');
    if (args !== null) this.expression(args);
    this.loopBody(head, body, head, undefined);
  }

  /** Body of a loop whose head is `head`: may run (edge head->body) or not (head->exit). */
  private loopBody(head: number, body: Node, continueTo: number, test: Test | undefined, infinite = false): void {
    const bodyBlock = this.flow.newBlock();
    const exitBlock = this.flow.newBlock();
    this.flow.edge(head, bodyBlock, test && cond(test, true));
    if (!infinite) this.flow.edge(head, exitBlock, test && cond(test, false));
    this.loops.push({ breakTo: exitBlock, continueTo });
    this.flow.moveTo(bodyBlock);
    this.statement(body);
    this.flow.edgeTo(continueTo);
    this.loops.pop();
    this.flow.moveTo(exitBlock);
  }

  private declaration(node: Node): void {
    const type = typeName(node.childForFieldName('type'));
    for (const d of named(node)) {
      if (d.type !== 'init_declarator' && d.type !== 'identifier' && d.type !== 'pointer_declarator' && d.type !== 'array_declarator' && d.type !== 'function_declarator') continue;
      const declared = declaredName(d);
      if (declared === undefined) continue;
      this.scope.set(declared.name, declared.isFunction ? '' : type ?? '');
      if (d.type === 'init_declarator') {
        const value = d.childForFieldName('value');
        if (value === null) continue;
        if (value.type === 'initializer_list') {
          collectInitializers(value, type, this.fieldAssignments);
          this.expression(value);
          continue;
        }
        this.assignFrom(declared.name, value);
      }
    }
  }

  private ifStatement(node: Node): void {
    const test = this.condition(node.childForFieldName('condition'));
    const from = this.flow.cursor;
    const thenBlock = this.flow.newBlock();
    const elseBlock = this.flow.newBlock();
    this.flow.edge(from, thenBlock, test && cond(test, true));
    this.flow.edge(from, elseBlock, test && cond(test, false));
    const join = this.flow.newBlock();
    this.flow.moveTo(thenBlock);
    const consequence = node.childForFieldName('consequence');
    if (consequence !== null) this.statement(consequence);
    this.flow.edgeTo(join);
    this.flow.moveTo(elseBlock);
    const alternative = node.childForFieldName('alternative');
    if (alternative !== null) {
      // else_clause wraps the statement
      for (const c of named(alternative)) this.statement(c);
    }
    this.flow.edgeTo(join);
    this.flow.moveTo(join);
  }

  private whileStatement(node: Node): void {
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const condition = node.childForFieldName('condition');
    const infinite = condition !== null && isTrueLiteral(condition);
    const test = this.condition(condition);
    const body = node.childForFieldName('body');
    if (body !== null) this.loopBody(head, body, head, test, infinite);
  }

  private doStatement(node: Node): void {
    const bodyBlock = this.flow.newBlock();
    const condBlock = this.flow.newBlock();
    const exitBlock = this.flow.newBlock();
    this.flow.edgeTo(bodyBlock);
    this.flow.moveTo(bodyBlock);
    this.loops.push({ breakTo: exitBlock, continueTo: condBlock });
    const body = node.childForFieldName('body');
    if (body !== null) this.statement(body);
    this.loops.pop();
    this.flow.edgeTo(condBlock);
    this.flow.moveTo(condBlock);
    const condition = node.childForFieldName('condition');
    const once = condition !== null && isZeroLiteral(condition);
    const test = this.condition(condition);
    if (!once) this.flow.edge(condBlock, bodyBlock, test && cond(test, true));
    this.flow.edge(condBlock, exitBlock, test && !once ? cond(test, false) : undefined);
    this.flow.moveTo(exitBlock);
  }

  private forStatement(node: Node): void {
    const init = node.childForFieldName('initializer');
    if (init !== null) this.statement(init);
    const head = this.flow.newBlock();
    this.flow.edgeTo(head);
    this.flow.moveTo(head);
    const condition = node.childForFieldName('condition');
    const test = this.condition(condition);
    const update = node.childForFieldName('update');
    const updateBlock = this.flow.newBlock();
    const body = node.childForFieldName('body');
    if (body === null) return;
    // The update runs after the body and before the next test.
    const saved = this.flow;
    this.loopBody(head, body, updateBlock, test, condition === null || isTrueLiteral(condition));
    const exit = saved.cursor;
    saved.moveTo(updateBlock);
    if (update !== null) this.expression(update);
    saved.edgeTo(head);
    saved.moveTo(exit);
  }

  private switchStatement(node: Node): void {
    this.condition(node.childForFieldName('condition'));
    const from = this.flow.cursor;
    const exitBlock = this.flow.newBlock();
    this.switches.push(from);
    this.loops.push({ breakTo: exitBlock, continueTo: undefined });
    this.flow.stop();
    const body = node.childForFieldName('body');
    let hasDefault = false;
    if (body !== null) {
      for (const child of named(body)) {
        if (child.type === 'case_statement' && child.childForFieldName('value') === null) hasDefault = true;
        this.statement(child);
      }
    }
    this.flow.edgeTo(exitBlock);
    if (!hasDefault) this.flow.edge(from, exitBlock);
    this.loops.pop();
    this.switches.pop();
    this.flow.moveTo(exitBlock);
  }

  private caseStatement(node: Node): void {
    const caseBlock = this.flow.newBlock();
    this.flow.edgeTo(caseBlock); // fall-through from the previous case
    const from = this.switches[this.switches.length - 1];
    if (from !== undefined) this.flow.edge(from, caseBlock);
    this.flow.moveTo(caseBlock);
    const value = node.childForFieldName('value');
    for (const child of named(node)) {
      if (value !== null && child.id === value.id) continue;
      this.statement(child);
    }
  }

  private returnStatement(node: Node): void {
    const valueNode = node.namedChild(0);
    let value: ReturnValue = { kind: 'none' };
    if (valueNode !== null) {
      const call = this.expression(valueNode);
      value = this.returnValue(valueNode, call);
    }
    this.flow.exit(value);
  }

  private returnValue(node: Node, call: number | undefined): ReturnValue {
    const n = unwrapExpression(node);
    if (n.type === 'call_expression' && call !== undefined) return { kind: 'call', call };
    if (n.type === 'identifier') {
      if (n.text === 'NULL' || n.text === 'false') return { kind: 'const', zero: true };
      if (n.text === 'true') return { kind: 'const', zero: false };
      return { kind: 'var', name: n.text };
    }
    if (n.type === 'number_literal') return { kind: 'const', zero: isZeroLiteral(n) };
    if (n.type === 'true') return { kind: 'const', zero: false };
    if (n.type === 'false' || n.type === 'null') return { kind: 'const', zero: true };
    // -EINVAL, -ENOMEM: error codes are non-zero.
    if (n.type === 'unary_expression' && n.child(0)?.type === '-') return { kind: 'const', zero: false };
    return { kind: 'other' };
  }

  private labeledStatement(node: Node): void {
    const label = node.childForFieldName('label')?.text ?? '';
    const block = this.flow.labelBlock(label);
    this.flow.edgeTo(block);
    this.flow.moveTo(block);
    for (const child of named(node)) {
      if (child.type === 'statement_identifier') continue;
      this.statement(child);
    }
  }

  /** `#if A ... #else ... #endif` inside a body: either branch may be compiled. */
  private preprocBranch(node: Node): void {
    const from = this.flow.cursor;
    const join = this.flow.newBlock();
    const alternative = node.childForFieldName('alternative');
    const taken = this.flow.newBlock();
    this.flow.edge(from, taken);
    this.flow.moveTo(taken);
    for (const child of named(node)) {
      const field = child.id === alternative?.id || child.id === node.childForFieldName('condition')?.id || child.id === node.childForFieldName('name')?.id;
      if (!field) this.statement(child);
    }
    this.flow.edgeTo(join);
    if (alternative !== null) {
      const other = this.flow.newBlock();
      this.flow.edge(from, other);
      this.flow.moveTo(other);
      this.preprocBranch(alternative);
      this.flow.edgeTo(join);
    } else {
      this.flow.edge(from, join);
    }
    this.flow.moveTo(join);
  }

  // ---- expressions ------------------------------------------------------------------

  /** Records the calls of an expression in evaluation order; returns the index of its own call. */
  expression(node: Node): number | undefined {
    switch (node.type) {
      case 'call_expression':
        return this.callExpression(node);
      case 'assignment_expression':
        this.assignment(node);
        return undefined;
      case 'update_expression': {
        const arg = node.childForFieldName('argument');
        if (arg?.type === 'identifier') this.flow.emit({ kind: 'kill', variable: arg.text });
        return undefined;
      }
      case 'compound_statement':
        // GNU statement expression `({ ... })`
        this.statement(node);
        return undefined;
      case 'identifier':
      case 'field_identifier':
      case 'comment':
        return undefined;
      case 'ERROR':
        this.errors++;
        this.statementList(node, 0);
        return undefined;
      default: {
        if (UNEVALUATED.has(node.type)) return undefined;
        let own: number | undefined;
        for (const c of named(node)) {
          const r = this.expression(c);
          if (node.type === 'parenthesized_expression') own = r;
        }
        return own;
      }
    }
  }

  private callExpression(node: Node): number | undefined {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    if (fn === null) return undefined;
    if (fn.type === 'identifier' && isConditionWrapper(fn.text)) {
      let own: number | undefined;
      if (args !== null) for (const c of named(args)) own = this.expression(c);
      return own;
    }
    if (fn.type !== 'identifier') this.expression(fn);
    if (args !== null) for (const c of named(args)) this.expression(c);
    const site = this.callSite(fn, args);
    if (site === undefined) return undefined;
    const index = this.calls.length;
    this.calls.push(site);
    this.callIndex.set(node.id, index);
    this.flow.emit({ kind: 'call', call: index });
    return index;
  }

  private callSite(fn: Node, args: Node | null): CallSite | undefined {
    const argText = args === null ? '' : compactText(args.text.slice(1, -1), ARG_TEXT_MAX);
    const target = unwrapExpression(fn);
    const callee = target.type === 'pointer_expression' ? unwrapExpression(target.childForFieldName('argument') ?? target) : target;
    if (callee.type === 'identifier') {
      const local = this.scope.has(callee.text);
      return {
        kind: local ? 'pointer' : 'direct', callee: callee.text,
        line: callee.startPosition.row + 1, column: callee.startPosition.column + 1, args: argText,
      };
    }
    if (callee.type === 'field_expression') {
      const field = callee.childForFieldName('field');
      const object = callee.childForFieldName('argument');
      if (field === null) return undefined;
      const site: CallSite = {
        kind: 'field', callee: field.text,
        line: field.startPosition.row + 1, column: field.startPosition.column + 1, args: argText,
      };
      const receiver = object === null ? undefined : this.typePath(object);
      if (receiver !== undefined) site.receiverType = receiver;
      return site;
    }
    return {
      kind: 'pointer', callee: compactText(callee.text, 60),
      line: callee.startPosition.row + 1, column: callee.startPosition.column + 1, args: argText,
    };
  }

  /** `in->f_op` -> `file.f_op` when `in` is declared `struct file *in`. */
  private typePath(node: Node): string | undefined {
    const n = unwrapExpression(node);
    switch (n.type) {
      case 'identifier': {
        const t = this.scope.get(n.text) ?? this.globals.get(n.text);
        return t === undefined || t === '' ? undefined : t;
      }
      case 'field_expression': {
        const base = n.childForFieldName('argument');
        const field = n.childForFieldName('field');
        if (base === null || field === null) return undefined;
        const path = this.typePath(base);
        return path === undefined ? undefined : `${path}.${field.text}`;
      }
      case 'subscript_expression':
      case 'pointer_expression': {
        const base = n.childForFieldName('argument');
        return base === null ? undefined : this.typePath(base);
      }
      default:
        if (node.type === 'cast_expression') {
          const t = node.childForFieldName('type')?.childForFieldName('type');
          return typeName(t ?? null);
        }
        return undefined;
    }
  }

  private assignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const op = node.childForFieldName('operator')?.text ?? node.child(1)?.text;
    if (left === null || right === null) return;
    if (left.type === 'identifier' && op === '=') {
      this.assignFrom(left.text, right);
      return;
    }
    this.expression(right);
    if (left.type === 'identifier') {
      this.flow.emit({ kind: 'kill', variable: left.text });
      return;
    }
    this.expression(left);
    const value = unwrapExpression(right);
    if (left.type === 'field_expression' && value.type === 'identifier') {
      const field = left.childForFieldName('field');
      const object = left.childForFieldName('argument');
      if (field !== null) {
        const a: FieldAssignment = { field: field.text, fn: value.text, line: left.startPosition.row + 1 };
        const t = object === null ? undefined : this.typePath(object);
        if (t !== undefined) a.structType = t;
        this.fieldAssignments.push(a);
      }
    }
  }

  private assignFrom(variable: string, value: Node): void {
    const call = this.expression(value);
    const negated = negatedCall(value);
    const negatedIndex = negated === undefined ? undefined : this.callIndex.get(negated.id);
    if (call !== undefined && unwrapExpression(value).type === 'call_expression') {
      this.calls[call]!.assignedTo = variable;
    } else if (negatedIndex !== undefined) {
      this.calls[negatedIndex]!.assignedTo = variable;
      this.calls[negatedIndex]!.assignedNegated = true;
    } else if (isZeroLiteral(value)) {
      this.flow.emit({ kind: 'kill', variable, value: 'zero' });
    } else if (isTrueLiteral(value)) {
      // flags such as `do_truncate = true` that later decide whether to release
      this.flow.emit({ kind: 'kill', variable, value: 'nonzero' });
    } else {
      this.flow.emit({ kind: 'kill', variable });
    }
  }

  /** Walks a condition's calls and works out what it tests. */
  private condition(node: Node | null): Test | undefined {
    if (node === null) return undefined;
    this.expression(node);
    return readCondition(node, this.callIndex);
  }
}

function isStatement(node: Node): boolean {
  return node.type.endsWith('_statement') || node.type === 'declaration';
}
