// Ops tables: `.splice_read = generic_file_splice_read` in struct initializers.
import type { Node } from 'web-tree-sitter';
import type { FieldAssignment } from '../../model/facts';
import { isLsmHookRegistration, LSM_HOOK_UNION, mayRegisterLsmHooks } from '../kernelMacros';
import { field, named, unwrapTyped } from '../syntax';

/**
 * Characters no initializer list (`{`) or pair (`.f =`, `[i] =`, `f:`) starts with: the items of
 * large constant tables are skipped without asking the tree for their type.
 */
const NOT_PAIR = /[0-9"'-]/;

/** An error's text whose last directive opens a conditional block (its condition follows it). */
const OPENS_BLOCK = /(?:^|\n)\s*#\s*(?:if|ifdef|ifndef|elif|else)\b[^#]*$/;

/** Every designator (`.f`, `[i]`) or GNU `f:` pair holds one of these. */
const PAIR_TOKEN = /[.[:]/;

/**
 * `.field = fn` pairs of an initializer list; nested lists without a designator keep the type.
 * `source` is the parsed text; `object` the variable the list initializes (see FieldAssignment).
 */
export function collectInitializers(list: Node, structType: string | undefined, out: FieldAssignment[], source: string, object?: string): void {
  // Tables of numbers or names hold no pairs: not reading their items saves a Node per item.
  if (!list.hasError) {
    const text = source.slice(list.startIndex, list.endIndex);
    if (!PAIR_TOKEN.test(text) && !mayRegisterLsmHooks(text)) return;
  }
  collect(list, structType, out, source, object);
}

function collect(list: Node, structType: string | undefined, out: FieldAssignment[], source: string, object: string | undefined): void {
  let afterDirective = false;
  for (const item of named(list)) {
    // `#ifdef CONFIG_BLOCK` then `.dirty_folio = block_dirty_folio,`: the grammar has no
    // directives inside an initializer list, so the directive is an error and its condition
    // reads as the object of `CONFIG_BLOCK.dirty_folio = ...`. The pair is the table's all the
    // same. One error can hold an `#endif` and the next block's `#ifdef`: its last directive counts.
    const directive = afterDirective;
    afterDirective = item.type === 'ERROR' && OPENS_BLOCK.test(item.text);
    if (directive && item.type === 'assignment_expression') {
      conditionalPair(item, structType, out, object);
      continue;
    }
    if (NOT_PAIR.test(source.charAt(item.startIndex))) continue;
    const itemType = item.type;
    if (itemType === 'initializer_list') {
      // An array element or a member without designator: no name reaches it.
      collect(item, structType, out, source, undefined);
      continue;
    }
    if (itemType === 'call_expression') {
      lsmHookRegistration(item, out);
      continue;
    }
    if (itemType !== 'initializer_pair') continue;
    const designator = field(item, 'designator');
    const value = field(item, 'value');
    if (designator === null || value === null) continue;
    const name = designator.type === 'field_designator' ? designator.namedChild(0)?.text : undefined;
    const valueType = value.type;
    if (name === undefined) {
      if (valueType === 'initializer_list') collect(value, structType, out, source, undefined);
      continue;
    }
    if (valueType === 'initializer_list') {
      const member = object === undefined || item.childrenForFieldName('designator').length !== 1 ? undefined : `${object}.${name}`;
      collect(value, undefined, out, source, member);
      continue;
    }
    const fn = storedFunction(value);
    if (fn !== undefined) out.push(store(name, fn, item.startPosition.row + 1, structType, object));
  }
}

/** The function a pair's value names: `fn`, `&fn`, `(type)fn`. */
function storedFunction(value: Node): string | undefined {
  let v = unwrapTyped(value, value.type);
  if (v.type === 'pointer_expression' && v.node.child(0)?.type === '&') {
    const arg = field(v.node, 'argument');
    v = arg === null ? v : unwrapTyped(arg, arg.type);
  }
  return v.type === 'identifier' ? v.node.text : undefined;
}

function store(field: string, fn: string, line: number, structType: string | undefined, object: string | undefined): FieldAssignment {
  const a: FieldAssignment = { field, fn, line };
  if (structType !== undefined) a.structType = structType;
  if (object !== undefined) a.object = object;
  return a;
}

/** `COND.field = fn` read after a directive (see collect): the pair `.field = fn`. */
function conditionalPair(item: Node, structType: string | undefined, out: FieldAssignment[], object: string | undefined): void {
  const left = field(item, 'left');
  const right = field(item, 'right');
  if (left?.type !== 'field_expression' || field(left, 'argument')?.type !== 'identifier' || right === null) return;
  const name = field(left, 'field')?.text;
  const fn = storedFunction(right);
  if (name === undefined || fn === undefined) return;
  out.push(store(name, fn, left.endPosition.row + 1, structType, object));
}

/** `LSM_HOOK_INIT(hook, fn)`: fn stored in field `hook` of the LSM hook union (kernelMacros). */
function lsmHookRegistration(call: Node, out: FieldAssignment[]): void {
  const macro = field(call, 'function');
  if (macro?.type !== 'identifier' || !isLsmHookRegistration(macro.text)) return;
  const args = field(call, 'arguments');
  const hook = args?.namedChild(0);
  const fn = args?.namedChild(1);
  if (args?.namedChildCount !== 2 || hook?.type !== 'identifier' || fn?.type !== 'identifier') return;
  out.push({ field: hook.text, fn: fn.text, structType: LSM_HOOK_UNION, line: call.startPosition.row + 1 });
}
