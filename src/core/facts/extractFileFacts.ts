// One parsed C file -> its facts. Pure: no I/O, no global state.
import type { Node, Tree } from 'web-tree-sitter';
import type { FieldAssignment, FileFacts, FunctionFact, StructField } from '../model/facts';
import { BodyWalker, type Scope } from './bodyWalker';
import { collectInitializers } from './initializers';
import { declaredName, named, typeName } from './syntax';

/** `SYSCALL_DEFINE3(name, ...)` and friends: the body that follows is `sys_name`. */
const SYSCALL_MACRO = /^(COMPAT_)?SYSCALL_DEFINE[0-6]$/;

interface Context {
  file: string;
  functions: FunctionFact[];
  fieldAssignments: FieldAssignment[];
  structFields: StructField[];
  globals: Scope;
}

export function extractFileFacts(file: string, tree: Tree): FileFacts {
  const ctx: Context = { file, functions: [], fieldAssignments: [], structFields: [], globals: new Map() };
  topLevel(ctx, tree.rootNode, false);
  return {
    file,
    functions: ctx.functions,
    fieldAssignments: ctx.fieldAssignments,
    structFields: ctx.structFields,
    errorNodes: countErrors(tree.rootNode),
  };
}

function topLevel(ctx: Context, node: Node, conditional: boolean): void {
  const children = named(node);
  const n = children.length;
  for (let i = 0; i < n; i++) {
    const child = children[i]!;
    switch (child.type) {
      case 'function_definition':
        functionDefinition(ctx, child, conditional);
        break;
      case 'declaration':
        globalDeclaration(ctx, child);
        break;
      case 'type_definition':
      case 'struct_specifier':
      case 'union_specifier':
        structsIn(ctx, child);
        break;
      case 'expression_statement': {
        const next = i + 1 < n ? children[i + 1]! : null;
        if (next?.type === 'compound_statement' && syscallDefinition(ctx, child, next, conditional)) i++;
        break;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        topLevel(ctx, child, true);
        break;
      case 'linkage_specification':
      case 'declaration_list':
      case 'ERROR':
        topLevel(ctx, child, conditional);
        break;
      default:
        break;
    }
  }
}

function functionDefinition(ctx: Context, node: Node, conditional: boolean): void {
  const declarator = node.childForFieldName('declarator');
  const fnDeclarator = findFunctionDeclarator(declarator);
  const nameNode = fnDeclarator?.childForFieldName('declarator');
  const body = node.childForFieldName('body');
  if (fnDeclarator === null || nameNode?.type !== 'identifier' || body === null) return;
  let isStatic = false;
  for (const c of named(node)) {
    if (c.type === 'storage_class_specifier' && c.text === 'static') isStatic = true;
  }
  const scope: Scope = new Map();
  const params = fnDeclarator.childForFieldName('parameters');
  if (params !== null) {
    for (const p of named(params)) {
      if (p.type !== 'parameter_declaration') continue;
      const d = declaredName(p.childForFieldName('declarator'));
      if (d !== undefined) scope.set(d.name, d.isFunction ? '' : typeName(p.childForFieldName('type')) ?? '');
    }
  }
  ctx.functions.push(walkBody(ctx, {
    name: nameNode.text, isStatic, kind: 'function', conditional, node, nameNode, body, scope,
  }));
}

function syscallDefinition(ctx: Context, statement: Node, body: Node, conditional: boolean): boolean {
  const call = statement.namedChild(0);
  const macro = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (call == null || macro?.type !== 'identifier' || !SYSCALL_MACRO.test(macro.text)) return false;
  const args = call.childForFieldName('arguments');
  const first = args?.namedChild(0);
  if (first == null || first.type !== 'identifier') return false;
  const scope: Scope = new Map();
  // SYSCALL_DEFINEn(name, type1, arg1, type2, arg2, ...): every second word names a parameter.
  for (let i = 2; args !== null && i < args.namedChildCount; i += 2) {
    const a = args.namedChild(i);
    if (a?.type === 'identifier') scope.set(a.text, '');
  }
  const prefix = macro.text.startsWith('COMPAT_') ? 'compat_sys_' : 'sys_';
  ctx.functions.push(walkBody(ctx, {
    name: prefix + first.text, isStatic: false, kind: 'syscall', conditional, node: statement, nameNode: first, body, scope,
  }));
  return true;
}

interface Definition {
  name: string;
  isStatic: boolean;
  kind: FunctionFact['kind'];
  conditional: boolean;
  node: Node;
  nameNode: Node;
  body: Node;
  scope: Scope;
}

function walkBody(ctx: Context, d: Definition): FunctionFact {
  const walker = new BodyWalker(d.scope, ctx.globals, ctx.fieldAssignments);
  walker.statement(d.body);
  return {
    name: d.name,
    isStatic: d.isStatic,
    kind: d.kind,
    startLine: d.node.startPosition.row + 1,
    endLine: d.body.endPosition.row + 1,
    nameLine: d.nameNode.startPosition.row + 1,
    nameColumn: d.nameNode.startPosition.column + 1,
    conditional: d.conditional,
    calls: walker.calls,
    flow: walker.flow.finish(),
    bodyErrors: walker.errors,
  };
}

function findFunctionDeclarator(node: Node | null): Node | null {
  let n = node;
  while (n !== null) {
    if (n.type === 'function_declarator') {
      // `int (*get(void))(int)` returns a function pointer: the inner declarator names it.
      const inner = n.childForFieldName('declarator');
      if (inner?.type === 'identifier') return n;
      n = inner?.type === 'parenthesized_declarator' ? inner.namedChild(0) : inner;
      continue;
    }
    if (n.type === 'pointer_declarator' || n.type === 'attributed_declarator') {
      n = n.childForFieldName('declarator');
      continue;
    }
    if (n.type === 'parenthesized_declarator') {
      n = n.namedChild(0);
      continue;
    }
    return null;
  }
  return null;
}

/** File-scope declarations: variable types, ops tables (`.field = fn`), struct definitions. */
function globalDeclaration(ctx: Context, node: Node): void {
  const typeNode = node.childForFieldName('type');
  structsIn(ctx, typeNode);
  const type = typeName(typeNode);
  for (const d of named(node)) {
    const declared = declaredName(d);
    if (declared === undefined || declared.isFunction) continue;
    ctx.globals.set(declared.name, type ?? '');
    if (d.type === 'init_declarator') {
      const value = d.childForFieldName('value');
      if (value?.type === 'initializer_list') collectInitializers(value, type, ctx.fieldAssignments);
    }
  }
}

/** Records `struct S { struct T *field; }` for struct-typed fields, anonymous members folded in. */
function structsIn(ctx: Context, node: Node | null): void {
  if (node === null) return;
  if (node.type === 'type_definition') {
    const inner = node.childForFieldName('type');
    const alias = declaredName(node.childForFieldName('declarator'));
    if (inner !== null) structBody(ctx, inner, inner.childForFieldName('name')?.text ?? alias?.name);
    return;
  }
  if (node.type === 'struct_specifier' || node.type === 'union_specifier') {
    structBody(ctx, node, node.childForFieldName('name')?.text);
  }
}

function structBody(ctx: Context, node: Node, struct: string | undefined): void {
  const body = node.childForFieldName('body');
  if (body === null || struct === undefined) return;
  for (const field of named(body)) {
    if (field.type !== 'field_declaration') continue;
    const typeNode = field.childForFieldName('type');
    const declarator = field.childForFieldName('declarator');
    if (declarator === null && typeNode !== null) {
      // anonymous struct/union member: its fields belong to the outer struct
      structBody(ctx, typeNode, struct);
      continue;
    }
    if (typeNode !== null && typeNode.childForFieldName('body') !== null) structsIn(ctx, typeNode);
    const type = typeName(typeNode);
    if (type === undefined) continue;
    for (const d of named(field)) {
      if (d.id === typeNode?.id) continue;
      const declared = declaredName(d);
      if (declared !== undefined && !declared.isFunction) ctx.structFields.push({ struct, field: declared.name, type });
    }
  }
}

function countErrors(root: Node): number {
  if (!root.hasError) return 0;
  let count = 0;
  const cursor = root.walk();
  // Iterative preorder walk: the cursor avoids allocating a Node per visited node.
  for (;;) {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) count++;
    if (node.hasError && !node.isError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return count;
      }
    }
  }
}
