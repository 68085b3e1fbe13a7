// What must be true of a function's parameters for one of its calls to run: the `if` tests on
// the way from the function body down to the call that read a parameter by name. Read on
// demand from a parsed file, for the few calls a reported chain passes through; the facts of a
// whole scan do not carry conditions for files read from tokens.
import type { Node, Tree } from 'web-tree-sitter';
import {
  constantText, type BodyOutline, type CallGuards, type Expr, type NeededCondition, type OutlineStep, type ParamTest, type PredicateBody,
  type Requirement, type Under,
} from '../../model/callSites';
import { conditionOf, expressionOf } from './constantConditions';
import { isConditionWrapper } from '../kernelMacros';
import { declaredName, field, named } from '../syntax';

/** The call expression whose callee name starts at (line, column), both 1-based. */
export function callAt(tree: Tree, line: number, column: number): Node | undefined {
  const point = { row: line - 1, column: column - 1 };
  let node: Node | null = tree.rootNode.descendantForPosition(point);
  while (node !== null && node.type !== 'call_expression') node = node.parent;
  return node ?? undefined;
}

/** The argument texts of the call at (line, column), whitespace folded. */
export function callArguments(tree: Tree, line: number, column: number): string[] | undefined {
  const call = callAt(tree, line, column);
  const args = call === undefined ? null : field(call, 'arguments');
  return args === null ? undefined : named(args).filter((a) => a.type !== 'comment').map((a) => a.text.replace(/\s+/g, ' '));
}

/** The function definition the call at (line, column) is made in. */
function enclosingFunction(tree: Tree, line: number, column: number): { call: Node; fn: Node } | undefined {
  const call = callAt(tree, line, column);
  if (call === undefined) return undefined;
  let enclosing: Node | null = call.parent;
  while (enclosing !== null && enclosing.type !== 'function_definition') enclosing = enclosing.parent;
  return enclosing === null ? undefined : { call, fn: enclosing };
}

/** The parameter names of the function making the call at (line, column). */
export function callerParameters(tree: Tree, line: number, column: number): string[] | undefined {
  const at = enclosingFunction(tree, line, column);
  return at === undefined ? undefined : parameterNames(field(at.fn, 'declarator'));
}

export function callGuards(tree: Tree, line: number, column: number): CallGuards | undefined {
  const at = enclosingFunction(tree, line, column);
  if (at === undefined) return undefined;
  const { call, fn } = at;
  const declarator = field(fn, 'declarator');
  const name = declaredName(declarator)?.name;
  const params = parameterNames(declarator);
  if (name === undefined || params === undefined) return undefined;
  const tests: ParamTest[] = [];
  const conditions: NeededCondition[] = [];
  // A parameter the function assigns or takes the address of may hold another value by then.
  const body = field(fn, 'body')?.text ?? '';
  const reassigned = (p: string): boolean => new RegExp(`(^|[^\\w.>])${p}\\s*([-+*/|&^]|<<|>>)?=(?!=)|(^|[^&])&\\s*${p}\\b`).test(body);
  for (let child: Node = call, up = call.parent; up !== null && up.id !== fn.id; child = up, up = up.parent) {
    if (up.type === 'compound_statement') {
      // `if (persist) goto out;` before the call in the same block: the call needs it false.
      for (const earlier of named(up)) {
        if (earlier.startIndex >= child.startIndex) break;
        const condition = earlier.type === 'if_statement' && field(earlier, 'alternative') === null ? field(earlier, 'condition') : null;
        if (condition === null || !leavesPast(field(earlier, 'consequence'), call, fn)) continue;
        for (const t of conditionTests(condition, false)) {
          const param = params.indexOf(t.subject);
          if (param >= 0 && !reassigned(t.subject)) tests.push({ param, needs: t.needs });
        }
        conditions.push({ condition: conditionOf(condition), truth: false });
      }
      continue;
    }
    if (up.type !== 'if_statement') continue;
    const condition = field(up, 'condition');
    if (condition === null) continue;
    const inThen = field(up, 'consequence')?.id === child.id;
    const inElse = field(up, 'alternative')?.id === child.id;
    if (!inThen && !inElse) continue;
    for (const t of conditionTests(condition, inThen)) {
      const param = params.indexOf(t.subject);
      if (param >= 0 && !reassigned(t.subject)) tests.push({ param, needs: t.needs });
    }
    conditions.push({ condition: conditionOf(condition), truth: inThen });
  }
  return { function: name, params, reassigned: params.filter((p) => p !== '' && reassigned(p)), tests, conditions };
}

/**
 * The function `name` whose definition spans `line`, read as a predicate: the early returns
 * that open its body (declarations may come between) and the plain `return` that ends them.
 * Undefined when it is not there; steps stop at the first statement of any other kind.
 */
export function predicateBody(tree: Tree, line: number, name: string): PredicateBody | undefined {
  const fn = functionAt(tree, line, name);
  const params = fn == null ? undefined : parameterNames(field(fn, 'declarator'));
  const body = fn == null ? null : field(fn, 'body');
  if (params === undefined || body === null) return undefined;
  const steps: PredicateBody['steps'] = [];
  for (const statement of named(body)) {
    if (statement.type === 'declaration' || statement.type === 'comment') continue;
    if (statement.type === 'return_statement') {
      const value = statement.namedChild(0);
      if (value !== null) steps.push({ returns: conditionOf(value) });
      break;
    }
    const condition = statement.type === 'if_statement' && field(statement, 'alternative') === null ? field(statement, 'condition') : null;
    let then = condition === null ? null : field(statement, 'consequence');
    while (then !== null && then.type === 'compound_statement' && then.namedChildCount === 1) then = then.namedChild(0);
    const value = then?.type === 'return_statement' ? then.namedChild(0) : null;
    if (condition === null || value === null) break;
    steps.push({ when: conditionOf(condition), returns: conditionOf(value) });
  }
  return { params, steps };
}

/** The definition of the function `name` that starts on `line`. */
function functionAt(tree: Tree, line: number, name: string): Node | undefined {
  return tree.rootNode.descendantsOfType('function_definition', { row: line - 1, column: 0 }, { row: line, column: 0 })
    .find((d): d is Node => d !== null && declaredName(field(d, 'declarator'))?.name === name);
}

/**
 * The function `name` defined at `line` of `file`, as the calls it makes, the locals it sets
 * and the returns that may end it, in source order (see OutlineStep).
 */
export function bodyOutline(tree: Tree, file: string, line: number, name: string): BodyOutline | undefined {
  const fn = functionAt(tree, line, name);
  const params = fn === undefined ? undefined : parameterNames(field(fn, 'declarator'));
  const body = fn === undefined ? null : field(fn, 'body');
  if (params === undefined || body === null) return undefined;
  const steps: OutlineStep[] = [];
  outlineStatement(body, [], steps);
  return { name, file, params, steps };
}

/** What a statement inside a loop, a switch or an `#if` arm runs under: nothing certain. */
const MAYBE: Under = { test: { kind: 'unknown' }, truth: true };

function outlineStatement(node: Node, under: Under[], steps: OutlineStep[]): void {
  switch (node.type) {
    case 'compound_statement':
      for (const c of named(node)) outlineStatement(c, under, steps);
      return;
    case 'declaration':
      for (const d of named(node)) {
        const value = d.type === 'init_declarator' ? field(d, 'value') : null;
        const local = value === null ? undefined : declaredName(field(d, 'declarator'))?.name;
        if (value === null || local === undefined) continue;
        outlineCalls(value, under, steps);
        steps.push({ kind: 'set', name: local, value: expressionOf(value), under });
      }
      return;
    case 'expression_statement': {
      const e = node.namedChild(0);
      if (e === null) return;
      outlineCalls(e, under, steps);
      const left = e.type === 'assignment_expression' ? field(e, 'left') : null;
      if (left?.type !== 'identifier') return;
      const right = field(e, 'right');
      const value: Expr = field(e, 'operator')?.text === '=' && right !== null ? expressionOf(right) : { kind: 'unknown' };
      steps.push({ kind: 'set', name: left.text, value, under });
      return;
    }
    case 'if_statement': {
      const condition = field(node, 'condition');
      if (condition !== null) outlineCalls(condition, under, steps);
      const test: Expr = condition === null ? { kind: 'unknown' } : expressionOf(condition);
      const then = field(node, 'consequence');
      if (then !== null) outlineStatement(then, [...under, { test, truth: true }], steps);
      const otherwise = field(node, 'alternative');
      for (const c of otherwise === null ? [] : otherwise.type === 'else_clause' ? named(otherwise) : [otherwise]) {
        outlineStatement(c, [...under, { test, truth: false }], steps);
      }
      return;
    }
    case 'return_statement': {
      const value = node.namedChild(0);
      if (value !== null) outlineCalls(value, under, steps);
      steps.push({ kind: 'return', line: node.startPosition.row + 1, under });
      return;
    }
    case 'labeled_statement':
      // A goto may land here: what follows runs whatever returned before it.
      steps.push({ kind: 'label' });
      for (const c of named(node)) if (c.type !== 'statement_identifier') outlineStatement(c, under, steps);
      return;
    case 'goto_statement': case 'break_statement': case 'continue_statement': case 'comment':
      return;
    default:
      if (!isStatementLike(node.type)) {
        outlineCalls(node, under, steps);
        return;
      }
      // Loops, switches and #if arms: their calls may run, their returns may not.
      for (const c of named(node)) outlineStatement(c, [...under, MAYBE], steps);
  }
}

function isStatementLike(type: string): boolean {
  return type.endsWith('_statement') || type === 'case_statement' || type.startsWith('preproc_') || type === 'else_clause';
}

/** Calls by name anywhere in an expression, in source order. */
function outlineCalls(node: Node, under: Under[], steps: OutlineStep[]): void {
  for (const call of node.descendantsOfType('call_expression')) {
    const fn = call === null ? null : field(call, 'function');
    const args = call === null ? null : field(call, 'arguments');
    if (fn?.type !== 'identifier' || args === null) continue;
    const list = named(args).filter((a) => a.type !== 'comment').map(expressionOf);
    steps.push({ kind: 'call', callee: fn.text, args: list, line: fn.startPosition.row + 1, under });
  }
}

/**
 * Does `branch` always leave before `call` can run: a return, or a goto to a label after the
 * call (error exits at the end of the function)?
 */
export function leavesPast(branch: Node | null, call: Node, fn: Node): boolean {
  let last = branch;
  while (last !== null && last.type === 'compound_statement') last = last.namedChildCount > 0 ? last.namedChild(last.namedChildCount - 1) : null;
  if (last === null) return false;
  if (last.type === 'return_statement') return true;
  if (last.type !== 'goto_statement') return false;
  const label = field(last, 'label')?.text;
  if (label === undefined) return false;
  const target = fn.descendantsOfType('labeled_statement').find((l) => l !== null && field(l, 'label')?.text === label);
  return target != null && target.startIndex > call.endIndex;
}

function parameterNames(declarator: Node | null): string[] | undefined {
  let d = declarator;
  while (d !== null && d.type !== 'function_declarator') d = field(d, 'declarator');
  const list = d === null ? null : field(d, 'parameters');
  if (list === null) return undefined;
  return named(list).filter((p) => p.type === 'parameter_declaration').map((p) => declaredName(field(p, 'declarator'))?.name ?? '');
}

interface SubjectTest {
  subject: string;
  needs: Requirement;
}

/** What `cond` being `truth` says of plain identifiers, where that is certain. */
function conditionTests(cond: Node, truth: boolean): SubjectTest[] {
  let n = cond;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  if (n.type === 'call_expression') {
    const fn = field(n, 'function');
    const arg = field(n, 'arguments')?.namedChild(0);
    return fn?.type === 'identifier' && isConditionWrapper(fn.text) && arg != null ? conditionTests(arg, truth) : [];
  }
  if (n.type === 'identifier') return [{ subject: n.text, needs: { kind: truth ? 'nonzero' : 'zero' } }];
  if (n.type === 'unary_expression' && n.child(0)?.type === '!') {
    const arg = field(n, 'argument');
    return arg === null ? [] : conditionTests(arg, !truth);
  }
  if (n.type !== 'binary_expression') return [];
  const op = field(n, 'operator')?.text ?? n.child(1)?.text;
  const left = field(n, 'left');
  const right = field(n, 'right');
  if (left === null || right === null) return [];
  // `a && b` true: both hold; `a || b` false: neither holds. The other cases say nothing certain.
  if (op === '&&') return truth ? [...conditionTests(left, true), ...conditionTests(right, true)] : [];
  if (op === '||') return truth ? [] : [...conditionTests(left, false), ...conditionTests(right, false)];
  if (op !== '==' && op !== '!=') return [];
  if (left.type !== 'identifier') return [];
  const equal = (op === '==') === truth;
  const value = constantText(right.text);
  if (value === undefined) return [];
  if (value === '0') return [{ subject: left.text, needs: { kind: equal ? 'zero' : 'nonzero' } }];
  return [{ subject: left.text, needs: equal ? { kind: 'equals', value } : { kind: 'differs', value } }];
}
