// Small readers of tree-sitter-c syntax shared by the fact extractors.
//
// Every Node property read is a call into the wasm module that marshals the node through a
// shared buffer (~0.2 µs each), and extraction is as costly as the parse itself: the readers
// here take a node's type when the caller already has it, and read text from the parsed
// source instead of asking the tree where a plain character test is enough.
import type { Language, Node, Tree } from 'web-tree-sitter';

/** Named children in one call into the wasm module (per-index access costs one call each). */
export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

const FIELD_NAMES = [
  'alternative', 'argument', 'arguments', 'body', 'condition', 'consequence', 'declarator', 'designator',
  'field', 'function', 'initializer', 'label', 'left', 'name', 'operator', 'parameters', 'right', 'type',
  'update', 'value',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

// childForFieldName looks the name up in the language's field list on every call.
let idsLanguage: Language | undefined;
let ids = new Map<FieldName, number>();

/** `node.childForFieldName(name)`, with the field id looked up once per language. */
export function field(node: Node, name: FieldName): Node | null {
  const language = node.tree.language;
  if (language !== idsLanguage) {
    ids = new Map(FIELD_NAMES.map((f) => [f, language.fields.indexOf(f)]));
    idsLanguage = language;
  }
  const id = ids.get(name)!;
  return id === -1 ? null : node.childForFieldId(id);
}

/**
 * The text the tree was parsed from, so that `text.slice(node.startIndex, ...)` reads a node's
 * source (indices are UTF-16 offsets into it). What precedes the root node is whitespace, kept
 * as spaces so that offsets still line up.
 */
export function sourceText(tree: Tree): string {
  const root = tree.rootNode;
  return ' '.repeat(root.startIndex) + root.text;
}

/** A node and its type, read once. */
export interface Typed {
  node: Node;
  type: string;
}

/** Strips parentheses and casts: `((int) f(x))` -> `f(x)`, with the type of what is left. */
export function unwrapTyped(node: Node, type: string): Typed {
  let n = node;
  let t = type;
  for (;;) {
    if (t === 'parenthesized_expression' && n.namedChildCount === 1) {
      const inner = n.namedChild(0);
      if (inner === null) return { node: n, type: t };
      const innerType = inner.type;
      if (innerType === 'compound_statement') return { node: n, type: t };
      n = inner;
      t = innerType;
    } else if (t === 'cast_expression') {
      const value = field(n, 'value');
      if (value === null) return { node: n, type: t };
      n = value;
      t = value.type;
    } else {
      return { node: n, type: t };
    }
  }
}

/** The identifier a declarator declares, and whether it declares a function (pointer). */
export function declaredName(declarator: Node | null, knownType?: string): { name: string; isFunction: boolean } | undefined {
  let n = declarator;
  let isFunction = false;
  let type = knownType;
  while (n !== null) {
    const t = type ?? n.type;
    type = undefined;
    switch (t) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: n.text, isFunction };
      case 'function_declarator':
        isFunction = true;
        n = field(n, 'declarator');
        break;
      case 'pointer_declarator':
      case 'array_declarator':
      case 'init_declarator':
      case 'attributed_declarator':
        n = field(n, 'declarator');
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
  const type = typeNode.type;
  if (type === 'struct_specifier' || type === 'union_specifier') {
    return field(typeNode, 'name')?.text;
  }
  if (type === 'type_identifier') return typeNode.text;
  return undefined;
}

const ZERO = /^0+[uUlL]*$/;
const CHAR_0 = 48;
const CHAR_N = 78;
const CHAR_f = 102;
const CHAR_t = 116;

/**
 * 'zero' for `0`, `NULL`, `false`; 'nonzero' for other numbers and `true`; of an unwrapped
 * expression. `source` is the parsed text: its first character rules out most cases without
 * asking the tree for the node's text.
 */
export function literalValue(u: Typed, source: string): 'zero' | 'nonzero' | undefined {
  const { node, type } = u;
  if (type === 'null') return 'zero';
  if (type === 'true') return 'nonzero';
  const first = source.charCodeAt(node.startIndex);
  if (type === 'number_literal') {
    // A zero literal starts with 0: any other number is non-zero (even a MISSING one, text '').
    if (first !== CHAR_0) return 'nonzero';
  } else if (first !== CHAR_N && first !== CHAR_f && first !== CHAR_t) {
    return undefined;
  }
  const text = node.text;
  if ((type === 'number_literal' && ZERO.test(text)) || text === 'NULL' || text === 'false') return 'zero';
  if (type === 'number_literal' || text === 'true') return 'nonzero';
  return undefined;
}

export function isZeroLiteral(node: Node, source: string): boolean {
  return literalValue(unwrapTyped(node, node.type), source) === 'zero';
}

export function isTrueLiteral(node: Node, source: string): boolean {
  return literalValue(unwrapTyped(node, node.type), source) === 'nonzero';
}

const CHAR_PAREN = 40;
const CHAR_EQUALS = 61;
const CHAR_BRACE = 123;
const CHAR_PLUS = 43;
const CHAR_MINUS = 45;

/**
 * Whether `source[from, to)` cannot hold a call, an assignment, an increment or decrement, or a
 * statement expression: none of `(`, `=`, `{`, `++`, `--` occurs in it. For a subtree without
 * parse errors (so no MISSING tokens) that spans at most this range, walking it records nothing.
 */
export function inertText(source: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = source.charCodeAt(i);
    if (c === CHAR_PAREN || c === CHAR_EQUALS || c === CHAR_BRACE) return false;
    if ((c === CHAR_PLUS || c === CHAR_MINUS) && source.charCodeAt(i + 1) === c) return false;
  }
  return true;
}

/** Folds whitespace and caps the length of argument text kept in facts. */
export function compactText(text: string, max = 160): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}
