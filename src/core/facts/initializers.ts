// Ops tables: `.splice_read = generic_file_splice_read` in struct initializers.
import type { Node } from 'web-tree-sitter';
import type { FieldAssignment } from '../model/facts';
import { named, unwrapExpression } from './syntax';

/** `.field = fn` pairs of an initializer list; nested lists without a designator keep the type. */
export function collectInitializers(list: Node, structType: string | undefined, out: FieldAssignment[]): void {
  for (const item of named(list)) {
    if (item.type === 'initializer_list') {
      collectInitializers(item, structType, out);
      continue;
    }
    if (item.type !== 'initializer_pair') continue;
    const designator = item.childForFieldName('designator');
    const value = item.childForFieldName('value');
    if (designator === null || value === null) continue;
    const field = designator.type === 'field_designator' ? designator.namedChild(0)?.text : undefined;
    if (field === undefined) {
      if (value.type === 'initializer_list') collectInitializers(value, structType, out);
      continue;
    }
    if (value.type === 'initializer_list') {
      collectInitializers(value, undefined, out);
      continue;
    }
    let v = unwrapExpression(value);
    if (v.type === 'pointer_expression' && v.child(0)?.type === '&') v = unwrapExpression(v.childForFieldName('argument') ?? v);
    if (v.type !== 'identifier') continue;
    const a: FieldAssignment = { field, fn: v.text, line: item.startPosition.row + 1 };
    if (structType !== undefined) a.structType = structType;
    out.push(a);
  }
}
