// Calls a function makes before another on every way to it, and leaves after when they fail:
// `err = ovl_copy_up(old); if (err) goto out_drop_write;` before `ovl_nlink_start(old)`. Read
// on demand from a parsed file, for calls a rule says a repeat of does nothing.
import type { Node, Tree } from 'web-tree-sitter';
import { callAt, leavesPast } from './callGuards';
import { isConditionWrapper } from '../kernelMacros';
import { declaredName, field, named } from '../syntax';

/** `expr` without parentheses and condition wrappers (`unlikely(…)`). */
function unwrapped(expr: Node): Node {
  let n = expr;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (n.type === 'call_expression' && isConditionWrapper(field(n, 'function')?.text ?? '') && field(n, 'arguments')?.namedChildCount === 1) n = field(n, 'arguments')!.namedChild(0)!;
    else return n;
  }
}

/** Is `node` the call `callee(…)` with `arg` at position `index`? */
function isCallOf(node: Node | null, callee: string, index: number, arg: string): boolean {
  if (node === null) return false;
  const n = unwrapped(node);
  if (n.type !== 'call_expression' || field(n, 'function')?.text !== callee) return false;
  const args = field(n, 'arguments');
  const given = args === null ? undefined : named(args).filter((a) => a.type !== 'comment')[index];
  return given !== undefined && given.text.replace(/\s+/g, ' ').trim() === arg;
}

/** The variable `statement` stores the call's value in (`v = callee(…);`, `int v = callee(…);`). */
function storedIn(statement: Node, callee: string, index: number, arg: string): string | undefined {
  if (statement.type === 'expression_statement') {
    const e = statement.namedChild(0);
    if (e?.type !== 'assignment_expression' || field(e, 'operator')?.text !== '=') return undefined;
    const left = field(e, 'left');
    return left?.type === 'identifier' && isCallOf(field(e, 'right'), callee, index, arg) ? left.text : undefined;
  }
  if (statement.type !== 'declaration') return undefined;
  for (const d of named(statement)) {
    if (d.type === 'init_declarator' && isCallOf(field(d, 'value'), callee, index, arg)) return declaredName(field(d, 'declarator'))?.name;
  }
  return undefined;
}

/** Does the `if` statement leave past `call` whenever `value` (a variable, or the call itself) is non-zero? */
function leavesOnFailure(statement: Node | undefined, value: (test: Node) => boolean, call: Node, fn: Node): boolean {
  if (statement?.type !== 'if_statement' || field(statement, 'alternative') !== null) return false;
  const condition = field(statement, 'condition');
  return condition !== null && value(unwrapped(condition)) && leavesPast(field(statement, 'consequence'), call, fn);
}

export function succeededBefore(tree: Tree, line: number, column: number, callee: string, index: number, arg: string): number | undefined {
  const call = callAt(tree, line, column);
  let fn: Node | null = call?.parent ?? null;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  if (call === undefined || fn === null) return undefined;
  const labels = fn.descendantsOfType('labeled_statement').filter((l): l is Node => l !== null).map((l) => l.startIndex);
  for (let child: Node = call, up = call.parent; up !== null && up.id !== fn.id; child = up, up = up.parent) {
    if (up.type !== 'compound_statement') continue;
    const statements = named(up).filter((s) => s.type !== 'comment');
    const at = statements.findIndex((s) => s.id === child.id);
    for (let i = 0; i < at; i++) {
      const s = statements[i]!;
      // A goto landing between the two would come to the call without the first.
      if (labels.some((l) => l > s.startIndex && l < call.startIndex)) continue;
      const v = storedIn(s, callee, index, arg);
      const leaves = v !== undefined
        ? i + 1 < at && leavesOnFailure(statements[i + 1], (t) => t.type === 'identifier' && t.text === v, call, fn)
        : leavesOnFailure(s, (t) => isCallOf(t, callee, index, arg), call, fn);
      if (leaves) return s.startPosition.row + 1;
    }
  }
  return undefined;
}
