// Conditions read as data for constant reasoning (chains/constantArgs): enough of C's expression
// syntax to say what a known zero makes of `!err && needs_copy(dentry, flags)`, nothing that needs types.
import type { Node, Parser } from 'web-tree-sitter';
import { constantText, type Condition, type Expr } from '../../model/callSites';
import { isConditionWrapper } from '../kernelMacros';
import { field, named } from '../syntax';

const UNKNOWN: Condition = { kind: 'unknown' };

export function conditionOf(node: Node): Condition {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  switch (n.type) {
    case 'identifier': {
      const value = constantText(n.text);
      return value === undefined ? { kind: 'name', name: n.text } : { kind: 'literal', value };
    }
    case 'number_literal': case 'true': case 'false': case 'null': {
      const value = constantText(n.text);
      return value === undefined ? UNKNOWN : { kind: 'literal', value };
    }
    case 'call_expression': return readCall(n);
    case 'unary_expression': {
      const arg = field(n, 'argument');
      return n.child(0)?.type === '!' && arg !== null ? { kind: 'not', of: conditionOf(arg) } : UNKNOWN;
    }
    case 'binary_expression': return readBinary(n);
    default: return UNKNOWN;
  }
}

function readCall(n: Node): Condition {
  const fn = field(n, 'function');
  const args = field(n, 'arguments');
  if (fn?.type !== 'identifier' || args === null) return UNKNOWN;
  const list = named(args).filter((a) => a.type !== 'comment');
  if (isConditionWrapper(fn.text)) return list[0] === undefined ? UNKNOWN : conditionOf(list[0]);
  return { kind: 'call', callee: fn.text, args: list.map((a) => a.text.replace(/\s+/g, ' ')) };
}

function readBinary(n: Node): Condition {
  const op = field(n, 'operator')?.text ?? n.child(1)?.text;
  const left = field(n, 'left');
  const right = field(n, 'right');
  if (left === null || right === null) return UNKNOWN;
  if (op === '&&' || op === '||') return { kind: op === '&&' ? 'and' : 'or', left: conditionOf(left), right: conditionOf(right) };
  if (op === '&') {
    // The subject is what a known value decides (a parameter); the other side, when constant, says which bits.
    const bits = [right, left].find((s) => constantText(s.text) !== undefined);
    const subject = bits === undefined ? [left, right].find((s) => s.type === 'identifier') ?? left : bits.id === right.id ? left : right;
    if (constantText(subject.text) !== undefined) return UNKNOWN;
    const constant = bits === undefined ? undefined : constantText(bits.text);
    return { kind: 'mask', subject: subject.text.replace(/\s+/g, ' '), ...(constant === undefined ? {} : { bits: constant }) };
  }
  if (op !== '==' && op !== '!=' || left.type !== 'identifier') return UNKNOWN;
  const value = constantText(right.text);
  return value === undefined ? UNKNOWN : { kind: 'compare', subject: left.text, equal: op === '==', value };
}

const UNKNOWN_EXPR: Expr = { kind: 'unknown' };

/**
 * An expression as integer arithmetic on names, for following constant arguments into a body
 * (rules/derivedExemptions): `read_write == READ ? MAY_READ : MAY_WRITE`, `!(mask & MAY_READ)`.
 * Casts are read through; fields, pointers and sizeof are unknown.
 */
export function expressionOf(node: Node): Expr {
  switch (node.type) {
    case 'parenthesized_expression': case 'cast_expression': {
      const inner = node.type === 'cast_expression' ? field(node, 'value') : node.namedChild(node.namedChildCount - 1);
      return inner === null ? UNKNOWN_EXPR : expressionOf(inner);
    }
    case 'identifier': return { kind: 'name', name: node.text };
    case 'true': return { kind: 'number', value: 1 };
    case 'false': case 'null': return { kind: 'number', value: 0 };
    case 'number_literal': {
      const value = integerValue(node.text);
      return value === undefined ? UNKNOWN_EXPR : { kind: 'number', value };
    }
    case 'unary_expression': {
      const arg = field(node, 'argument');
      const op = node.child(0)?.type;
      return arg === null || op === undefined ? UNKNOWN_EXPR : { kind: 'unary', op, of: expressionOf(arg) };
    }
    case 'binary_expression': {
      const left = field(node, 'left');
      const right = field(node, 'right');
      const op = field(node, 'operator')?.text ?? node.child(1)?.text;
      return left === null || right === null || op === undefined ? UNKNOWN_EXPR : { kind: 'binary', op, left: expressionOf(left), right: expressionOf(right) };
    }
    case 'conditional_expression': {
      const test = field(node, 'condition');
      const then = field(node, 'consequence');
      const otherwise = field(node, 'alternative');
      return test === null || then === null || otherwise === null
        ? UNKNOWN_EXPR : { kind: 'choose', test: expressionOf(test), then: expressionOf(then), otherwise: expressionOf(otherwise) };
    }
    case 'call_expression': {
      const fn = field(node, 'function');
      const args = field(node, 'arguments');
      if (fn?.type !== 'identifier' || args === null) return UNKNOWN_EXPR;
      const list = named(args).filter((a) => a.type !== 'comment');
      if (isConditionWrapper(fn.text) && list.length === 1) return expressionOf(list[0]!);
      return { kind: 'call', callee: fn.text, args: list.map(expressionOf) };
    }
    default: return UNKNOWN_EXPR;
  }
}

/** A C integer literal's value (decimal, hex, octal, binary; suffixes dropped), if it is one. */
function integerValue(text: string): number | undefined {
  const t = text.replace(/[uUlL]+$/, '');
  const value = /^0[xX][0-9a-fA-F]+$/.test(t) ? parseInt(t.slice(2), 16)
    : /^0[bB][01]+$/.test(t) ? parseInt(t.slice(2), 2)
      : /^0[0-7]*$/.test(t) ? parseInt(t, 8)
        : /^[1-9][0-9]*$/.test(t) ? parseInt(t, 10) : undefined;
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/** A C expression given as text (a macro's value, rule data), read as expressionOf reads code. */
export function parsedExpression(parser: Parser, text: string): Expr {
  const tree = parser.parse(`int lockpath_value = ${text};`);
  if (tree === null) return UNKNOWN_EXPR;
  try {
    const declarator = tree.rootNode.descendantsOfType('init_declarator')[0];
    const value = declarator == null ? null : field(declarator, 'value');
    return value === null || tree.rootNode.hasError ? UNKNOWN_EXPR : expressionOf(value);
  } finally {
    tree.delete();
  }
}
