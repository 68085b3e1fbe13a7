// What a local variable can hold at a call: the values the enclosing function gives it
// before the call, read on demand from a parsed file (ovl_create_or_link() declares
// `parent = dentry->d_parent` and passes `parent` on). A local whose address is taken may be
// set anywhere: nothing is known of it then. An assignment after the call still reaches it
// over a loop's back edge (ovl_connect_layer() walks `next = parent` up the tree) or a `goto`
// to a label before the call.
import type { Node, Tree } from 'web-tree-sitter';
import { callAt } from './callGuards';
import { declaredName, field } from '../syntax';

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/** Does `outer` span `inner`? */
function spans(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * Where, past the call, assignments still reach it: the loops around the call, and from a
 * `goto` after the call back to a label before it, everything from the label to the goto.
 */
function backEdges(body: Node, call: Node): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (let up = call.parent; up !== null && up.id !== body.id; up = up.parent) {
    if (LOOPS.has(up.type)) ranges.push({ start: up.startIndex, end: up.endIndex });
  }
  const labels = new Map<string, number>();
  for (const l of body.descendantsOfType('labeled_statement')) {
    const name = l === null ? undefined : field(l, 'label')?.text;
    if (name !== undefined && l !== null && l.startIndex < call.startIndex) labels.set(name, l.startIndex);
  }
  for (const g of body.descendantsOfType('goto_statement')) {
    const target = g === null ? undefined : labels.get(field(g, 'label')?.text ?? '');
    if (g !== null && target !== undefined && g.startIndex > call.startIndex) ranges.push({ start: target, end: g.endIndex });
  }
  return ranges;
}

/**
 * The texts assigned to the local `name` that may reach the call at (line, column), its
 * initializer first, whitespace folded; undefined when `name` is not declared in the function
 * or escapes.
 */
export function localValues(tree: Tree, line: number, column: number, name: string): string[] | undefined {
  const call = callAt(tree, line, column);
  let fn: Node | null = call?.parent ?? null;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  const body = fn === null ? null : field(fn, 'body');
  if (call === undefined || body === null) return undefined;
  let edges: { start: number; end: number }[] | undefined;
  const reaches = (node: Node): boolean => {
    if (node.startIndex < call.startIndex) return true;
    edges ??= backEdges(body, call);
    return edges.some((e) => e.start <= node.startIndex && node.endIndex <= e.end);
  };
  let declared = false;
  const values: string[] = [];
  for (const node of body.descendantsOfType(['init_declarator', 'declaration', 'assignment_expression', 'pointer_expression'])) {
    if (node === null) continue;
    if (node.type === 'pointer_expression') {
      if (node.child(0)?.type === '&' && field(node, 'argument')?.text === name) return undefined;
      continue;
    }
    if (node.type === 'declaration') {
      // `struct dentry *parent;` without an initializer: declared, no value yet.
      for (const d of node.childrenForFieldName('declarator')) {
        if (d !== null && d.type !== 'init_declarator' && declaredName(d)?.name === name) declared = true;
      }
      continue;
    }
    // The call's own arguments are evaluated before it: an assignment among them counts.
    if (!spans(call, node) && !reaches(node)) continue;
    const target = field(node, node.type === 'init_declarator' ? 'declarator' : 'left');
    const value = field(node, node.type === 'init_declarator' ? 'value' : 'right');
    const assigned = node.type === 'init_declarator' ? declaredName(target)?.name : target?.type === 'identifier' ? target.text : undefined;
    if (assigned !== name || value === null) continue;
    if (node.type === 'init_declarator') declared = true;
    else if (field(node, 'operator')?.text !== '=') return undefined;
    values.push(value.text.replace(/\s+/g, ' '));
  }
  return declared ? values : undefined;
}
