// What a local variable can hold at a call: the values the enclosing function gives it
// before the call, read on demand from a parsed file (ovl_create_or_link() declares
// `parent = dentry->d_parent` and passes `parent` on). A local whose address is taken may be
// set anywhere: nothing is known of it then.
import type { Node, Tree } from 'web-tree-sitter';
import { callAt } from './callGuards';
import { declaredName, field } from '../syntax';

/**
 * The texts assigned to the local `name` before the call at (line, column), its initializer
 * first, whitespace folded; undefined when `name` is not declared in the function or escapes.
 */
export function localValues(tree: Tree, line: number, column: number, name: string): string[] | undefined {
  const call = callAt(tree, line, column);
  let fn: Node | null = call?.parent ?? null;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  const body = fn === null ? null : field(fn, 'body');
  if (call === undefined || body === null) return undefined;
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
    if (node.startIndex >= call.startIndex) continue;
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
