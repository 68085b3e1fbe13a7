// One parsed C file -> its facts. Pure: no I/O, no global state.
import type { Node, Tree } from 'web-tree-sitter';
import type { FieldAssignment, FileFacts, FunctionFact, StructField } from '../../model/facts';
import { BodyWalker } from './bodyWalker';
import { collectInitializers } from './initializers';
import { syscallFunctionName } from '../kernelMacros';
import type { Scope } from '../scope';
import { declaredName, field, named, sourceText, typeName } from '../syntax';


interface Context {
  file: string;
  /** The parsed text. */
  source: string;
  functions: FunctionFact[];
  fieldAssignments: FieldAssignment[];
  structFields: StructField[];
  globals: Scope;
}

export function extractFileFacts(file: string, tree: Tree): FileFacts {
  const ctx: Context = { file, source: sourceText(tree), functions: [], fieldAssignments: [], structFields: [], globals: new Map() };
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
    const type = child.type;
    switch (type) {
      case 'function_definition':
        functionDefinition(ctx, child, conditional);
        break;
      case 'declaration':
        globalDeclaration(ctx, child);
        break;
      case 'type_definition':
      case 'struct_specifier':
      case 'union_specifier':
        structsIn(ctx, child, type);
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
  const declarator = field(node, 'declarator');
  const fnDeclarator = findFunctionDeclarator(declarator);
  const nameNode = fnDeclarator === null ? null : field(fnDeclarator, 'declarator');
  const body = field(node, 'body');
  if (fnDeclarator === null || nameNode?.type !== 'identifier' || body === null) return;
  let isStatic = false;
  for (const c of named(node)) {
    // The source check spares most specifiers a text read; the text still decides.
    if (ctx.source.startsWith('static', c.startIndex) && c.type === 'storage_class_specifier' && c.text === 'static') isStatic = true;
  }
  const scope: Scope = new Map();
  const params = field(fnDeclarator, 'parameters');
  if (params !== null) {
    for (const p of named(params)) {
      if (p.type !== 'parameter_declaration') continue;
      const d = declaredName(field(p, 'declarator'));
      if (d !== undefined) scope.set(d.name, d.isFunction ? '' : typeName(field(p, 'type')) ?? '');
    }
  }
  ctx.functions.push(walkBody(ctx, {
    name: nameNode.text, isStatic, kind: 'function', conditional, node, nameNode, body, scope,
  }));
}

function syscallDefinition(ctx: Context, statement: Node, body: Node, conditional: boolean): boolean {
  const call = statement.namedChild(0);
  const macro = call?.type === 'call_expression' ? field(call, 'function') : null;
  if (call == null || macro?.type !== 'identifier') return false;
  const args = field(call, 'arguments');
  const first = args?.namedChild(0);
  if (first == null || first.type !== 'identifier') return false;
  const name = syscallFunctionName(macro.text, first.text);
  if (name === undefined) return false;
  const scope: Scope = new Map();
  // SYSCALL_DEFINEn(name, type1, arg1, type2, arg2, ...): every second word names a parameter.
  for (let i = 2; args !== null && i < args.namedChildCount; i += 2) {
    const a = args.namedChild(i);
    if (a?.type === 'identifier') scope.set(a.text, '');
  }
  ctx.functions.push(walkBody(ctx, {
    name, isStatic: false, kind: 'syscall', conditional, node: statement, nameNode: first, body, scope,
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
  const walker = new BodyWalker(d.scope, ctx.globals, ctx.fieldAssignments, ctx.source);
  walker.body(d.body);
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
    const type = n.type;
    if (type === 'function_declarator') {
      // `int (*get(void))(int)` returns a function pointer: the inner declarator names it.
      const inner = field(n, 'declarator');
      const innerType = inner?.type;
      if (innerType === 'identifier') return n;
      n = innerType === 'parenthesized_declarator' ? inner!.namedChild(0) : inner;
      continue;
    }
    if (type === 'pointer_declarator' || type === 'attributed_declarator') {
      n = field(n, 'declarator');
      continue;
    }
    if (type === 'parenthesized_declarator') {
      n = n.namedChild(0);
      continue;
    }
    return null;
  }
  return null;
}

/** File-scope declarations: variable types, ops tables (`.field = fn`), struct definitions. */
function globalDeclaration(ctx: Context, node: Node): void {
  const typeNode = field(node, 'type');
  structsIn(ctx, typeNode);
  const type = typeName(typeNode);
  for (const d of named(node)) {
    const dType = d.type;
    const declared = declaredName(d, dType);
    if (declared === undefined || declared.isFunction) continue;
    ctx.globals.set(declared.name, type ?? '');
    if (dType === 'init_declarator') {
      const value = field(d, 'value');
      if (value?.type === 'initializer_list') collectInitializers(value, type, ctx.fieldAssignments, ctx.source, declared.name);
    }
  }
}

/** Records `struct S { struct T *field; }` for struct-typed fields, anonymous members folded in. */
function structsIn(ctx: Context, node: Node | null, knownType?: string): void {
  if (node === null) return;
  const type = knownType ?? node.type;
  if (type === 'type_definition') {
    const inner = field(node, 'type');
    const alias = declaredName(field(node, 'declarator'));
    if (inner !== null) structBody(ctx, inner, field(inner, 'name')?.text ?? alias?.name);
    return;
  }
  if (type === 'struct_specifier' || type === 'union_specifier') {
    structBody(ctx, node, field(node, 'name')?.text);
  }
}

function structBody(ctx: Context, node: Node, struct: string | undefined): void {
  const body = field(node, 'body');
  if (body === null || struct === undefined) return;
  for (const member of named(body)) {
    if (member.type !== 'field_declaration') continue;
    const typeNode = field(member, 'type');
    const declarator = field(member, 'declarator');
    if (declarator === null && typeNode !== null) {
      // anonymous struct/union member: its fields belong to the outer struct
      structBody(ctx, typeNode, struct);
      continue;
    }
    if (typeNode !== null && field(typeNode, 'body') !== null) structsIn(ctx, typeNode);
    const type = typeName(typeNode);
    if (type === undefined) continue;
    for (const d of named(member)) {
      if (d.id === typeNode?.id) continue;
      const declared = declaredName(d);
      if (declared !== undefined && !declared.isFunction) ctx.structFields.push({ struct, field: declared.name, type });
    }
  }
}

function countErrors(root: Node): number {
  return root.hasError ? errorsIn(root) : 0;
}

/**
 * ERROR and MISSING nodes under `node`, which has an error; not looking inside ERROR nodes.
 * One `children` read plus one `hasError` per child costs fewer wasm calls than a cursor,
 * which needs a move and four reads for every node.
 */
function errorsIn(node: Node): number {
  if (node.isError) return 1;
  let count = node.isMissing ? 1 : 0;
  for (const child of node.children) {
    if (child !== null && child.hasError) count += errorsIn(child);
  }
  return count;
}
