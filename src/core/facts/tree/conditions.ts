// What a branch condition tests: `if (err)`, `if (!f())`, `if (ret < 0)`, `if (unlikely(x))`.
// Dataflow needs only the subject (a variable or a call's value) and the polarity.
import type { Node } from 'web-tree-sitter';
import type { EdgeCondition } from '../../model/facts';
import { isConditionWrapper } from '../kernelMacros';
import { field, isZeroLiteral, unwrapTyped } from '../syntax';

/** A condition's meaning: the tested subject and whether "true" means "subject non-zero". */
export interface Test {
  subject: string;
  positive: boolean;
}

/**
 * `callIndex` maps call_expression node ids to their call index in the function; `source` is the
 * parsed text.
 */
export function readCondition(node: Node, callIndex: ReadonlyMap<number, number>, source: string, knownType?: string): Test | undefined {
  const { node: n, type } = unwrapTyped(node, knownType ?? node.type);
  switch (type) {
    case 'unary_expression': {
      const arg = field(n, 'argument');
      if (n.child(0)?.type !== '!' || arg === null) return undefined;
      const t = readCondition(arg, callIndex, source);
      return t && { subject: t.subject, positive: !t.positive };
    }
    case 'call_expression': {
      const fn = field(n, 'function');
      if (fn?.type === 'identifier' && isConditionWrapper(fn.text)) {
        const arg = field(n, 'arguments')?.namedChild(0);
        return arg ? readCondition(arg, callIndex, source) : undefined;
      }
      const index = callIndex.get(n.id);
      return index === undefined ? undefined : { subject: `c:${index}`, positive: true };
    }
    case 'identifier':
      return { subject: `v:${n.text}`, positive: true };
    case 'assignment_expression': {
      const left = field(n, 'left');
      return left?.type === 'identifier' ? { subject: `v:${left.text}`, positive: true } : undefined;
    }
    case 'binary_expression': {
      const left = field(n, 'left');
      const right = field(n, 'right');
      if (left === null || right === null) return undefined;
      const [subject, zero] = isZeroLiteral(right, source) ? [left, right] : isZeroLiteral(left, source) ? [right, left] : [undefined, undefined];
      if (subject === undefined || zero === undefined) return undefined;
      const t = readCondition(subject, callIndex, source);
      if (t === undefined) return undefined;
      const op = field(n, 'operator')?.text ?? n.child(1)?.text;
      // `x < 0` is the error (non-zero) case of an error-code return; `x >= 0` the success.
      if (op === '!=' || op === '<' || op === '>') return t;
      if (op === '==' || op === '>=' || op === '<=') return { subject: t.subject, positive: !t.positive };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The call in `!f(x)`, if that is what the (unwrapped) expression is. */
export function negatedCall(n: Node, type: string): Node | undefined {
  if (type !== 'unary_expression' || n.child(0)?.type !== '!') return undefined;
  const arg = field(n, 'argument');
  const inner = arg === null ? undefined : unwrapTyped(arg, arg.type);
  return inner?.type === 'call_expression' ? inner.node : undefined;
}

export function cond(test: Test, branchTaken: boolean): EdgeCondition {
  return { subject: test.subject, nonzero: test.positive === branchTaken };
}
