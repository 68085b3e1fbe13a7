// What a branch condition tests: `if (err)`, `if (!f())`, `if (ret < 0)`, `if (unlikely(x))`.
// Dataflow needs only the subject (a variable or a call's value) and the polarity.
import type { Node } from 'web-tree-sitter';
import type { EdgeCondition } from '../model/facts';
import { isConditionWrapper, isZeroLiteral, unwrapExpression } from './syntax';

/** A condition's meaning: the tested subject and whether "true" means "subject non-zero". */
export interface Test {
  subject: string;
  positive: boolean;
}

/** `callIndex` maps call_expression node ids to their call index in the function. */
export function readCondition(node: Node, callIndex: ReadonlyMap<number, number>): Test | undefined {
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'unary_expression': {
      const arg = n.childForFieldName('argument');
      if (n.child(0)?.type !== '!' || arg === null) return undefined;
      const t = readCondition(arg, callIndex);
      return t && { subject: t.subject, positive: !t.positive };
    }
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (fn?.type === 'identifier' && isConditionWrapper(fn.text)) {
        const arg = args?.namedChild(0);
        return arg ? readCondition(arg, callIndex) : undefined;
      }
      const index = callIndex.get(n.id);
      return index === undefined ? undefined : { subject: `c:${index}`, positive: true };
    }
    case 'identifier':
      return { subject: `v:${n.text}`, positive: true };
    case 'assignment_expression': {
      const left = n.childForFieldName('left');
      return left?.type === 'identifier' ? { subject: `v:${left.text}`, positive: true } : undefined;
    }
    case 'binary_expression': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const op = n.childForFieldName('operator')?.text ?? n.child(1)?.text;
      if (left === null || right === null) return undefined;
      const [subject, zero] = isZeroLiteral(right) ? [left, right] : isZeroLiteral(left) ? [right, left] : [undefined, undefined];
      if (subject === undefined || zero === undefined) return undefined;
      const t = readCondition(subject, callIndex);
      if (t === undefined) return undefined;
      // `x < 0` is the error (non-zero) case of an error-code return; `x >= 0` the success.
      if (op === '!=' || op === '<' || op === '>') return t;
      if (op === '==' || op === '>=' || op === '<=') return { subject: t.subject, positive: !t.positive };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The call in `!f(x)`, if that is what the expression is. */
export function negatedCall(value: Node): Node | undefined {
  const n = unwrapExpression(value);
  if (n.type !== 'unary_expression' || n.child(0)?.type !== '!') return undefined;
  const arg = n.childForFieldName('argument');
  const inner = arg === null ? undefined : unwrapExpression(arg);
  return inner?.type === 'call_expression' ? inner : undefined;
}

export function cond(test: Test, branchTaken: boolean): EdgeCondition {
  return { subject: test.subject, nonzero: test.positive === branchTaken };
}
