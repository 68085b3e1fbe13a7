// Small readers of tree-sitter-c syntax shared by the fact extractors.
import type { Node } from 'web-tree-sitter';

/** Macros that wrap a condition without being calls of their own. */
const CONDITION_WRAPPERS: ReadonlySet<string> = new Set([
  'likely', 'unlikely', 'likely_notrace', 'unlikely_notrace',
]);

export function isConditionWrapper(name: string): boolean {
  return CONDITION_WRAPPERS.has(name);
}

/** Named children in one call into the wasm module (per-index access costs one call each). */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** Strips parentheses and casts: `((int) f(x))` -> `f(x)`. */
export function unwrapExpression(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) {
      const inner = n.namedChild(0);
      if (inner === null || inner.type === 'compound_statement') return n;
      n = inner;
    } else if (n.type === 'cast_expression') {
      const value = n.childForFieldName('value');
      if (value === null) return n;
      n = value;
    } else {
      return n;
    }
  }
}

/** The identifier a declarator declares, and whether it declares a function (pointer). */
export function declaredName(declarator: Node | null): { name: string; isFunction: boolean } | undefined {
  let n = declarator;
  let isFunction = false;
  while (n !== null) {
    switch (n.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: n.text, isFunction };
      case 'function_declarator':
        isFunction = true;
        n = n.childForFieldName('declarator');
        break;
      case 'pointer_declarator':
      case 'array_declarator':
      case 'init_declarator':
      case 'attributed_declarator':
        n = n.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
        n = n.namedChild(0);
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** `struct foo`, `union foo` or a typedef name; undefined for primitive types. */
export function typeName(typeNode: Node | null): string | undefined {
  if (typeNode === null) return undefined;
  if (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier') {
    return typeNode.childForFieldName('name')?.text;
  }
  if (typeNode.type === 'type_identifier') return typeNode.text;
  return undefined;
}

export function isZeroLiteral(node: Node): boolean {
  const n = unwrapExpression(node);
  return (n.type === 'number_literal' && /^0+[uUlL]*$/.test(n.text)) || n.type === 'null' || n.text === 'NULL' || n.text === 'false';
}

export function isTrueLiteral(node: Node): boolean {
  const n = unwrapExpression(node);
  return (n.type === 'number_literal' && !/^0+[uUlL]*$/.test(n.text)) || n.type === 'true' || n.text === 'true';
}

/** Folds whitespace and caps the length of argument text kept in facts. */
export function compactText(text: string, max = 160): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

/** Top-level comma split of an argument list's text: `a, f(b, c), d` -> [a, f(b, c), d]. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() !== '') out.push(text.slice(start).trim());
  return out;
}
