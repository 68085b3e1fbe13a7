// Conditions read as data for constant reasoning (chains/constantArgs): enough of C's expression
// syntax to say what a known zero makes of `!err && needs_copy(dentry, flags)`, nothing that needs types.
import type { Node } from 'web-tree-sitter';
import { constantText, type Condition } from '../model/callSites';
import { isConditionWrapper } from './kernelMacros';
import { field, named } from './syntax';

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
