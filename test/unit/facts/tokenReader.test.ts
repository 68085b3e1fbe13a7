import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { maskAnnotations } from '../../../src/core/facts/annotationMask';
import { extractFileFacts } from '../../../src/core/facts/tree/extractFileFacts';
import { readTokenFacts } from '../../../src/core/facts/tokens/tokenReader';
import type { CallSite, FileFacts, FunctionFact } from '../../../src/core/model/facts';
import { createCParser } from '../../../src/core/parse/treeSitter';
import { locateWasm } from '../../../src/core/parse/wasmLocation';

const read = (src: string): FileFacts => {
  const facts = readTokenFacts('t.c', maskAnnotations(src));
  assert.ok(facts, 'brackets balance');
  return facts;
};
const fn = (f: FileFacts, name: string): FunctionFact => {
  const found = f.functions.find((x) => x.name === name);
  assert.ok(found, `no function ${name}`);
  return found;
};
const calls = (f: FunctionFact): string[] => f.calls.map((c) => `${c.kind}:${c.callee}`);

test('tokenReader: definitions, static, lines, conditional arms', () => {
  const f = read([
    'static int a(void)',
    '{',
    '\treturn 0;',
    '}',
    '#ifdef CONFIG_X',
    'int b(int x) { return x; }',
    '#else',
    'int b(int x) { return 0; }',
    '#endif',
    'struct s *',
    'c(struct s *p)',
    '{ }',
  ].join('\n'));
  assert.equal(f.reader, 'tokens');
  assert.equal(f.errorNodes, 0);
  assert.deepEqual(f.functions.map((x) => [x.name, x.isStatic, x.startLine, x.endLine, x.conditional]), [
    ['a', true, 1, 4, false], ['b', false, 6, 6, true], ['b', false, 8, 8, true], ['c', false, 10, 12, false],
  ]);
  assert.deepEqual([fn(f, 'c').nameLine, fn(f, 'c').nameColumn], [11, 1]);
});

test('tokenReader: SYSCALL_DEFINE bodies are sys_/compat_sys_ functions; other macros are not', () => {
  const f = read([
    'SYSCALL_DEFINE3(read, unsigned int, fd, char *, buf, size_t, count)',
    '{',
    '\treturn ksys_read(fd, buf, count);',
    '}',
    'COMPAT_SYSCALL_DEFINE1(x, int, fd) { fd(1); }',
    'MY_MACRO(a, b) { c(); }',
  ].join('\n'));
  assert.deepEqual(f.functions.map((x) => [x.name, x.kind, x.startLine, x.nameColumn]), [
    ['sys_read', 'syscall', 1, 17], ['compat_sys_x', 'syscall', 5, 24],
  ]);
  // parameters are in scope: calling one is a pointer call
  assert.deepEqual(calls(fn(f, 'compat_sys_x')), ['pointer:fd']);
});

test('tokenReader: calls are recorded after their arguments; wrappers and sizeof are no calls', () => {
  const f = read([
    'void f(int x)',
    '{',
    '\tif (unlikely(g(h(x))))',
    '\t\tWARN_ON(k(x));',
    '\tn = sizeof(m(x)) + typeof_unqual(x);',
    '\tq(({ int y = r(x); y; }));',
    '\tfor (;;) s();',
    '\tlist_for_each_entry(p, t(x), list) {',
    '\t\tu(p);',
    '\t}',
    '}',
  ].join('\n'));
  assert.deepEqual(calls(fn(f, 'f')), [
    'direct:h', 'direct:g', 'direct:k', 'direct:WARN_ON', 'direct:typeof_unqual', 'direct:r', 'direct:q', 'direct:s',
    'direct:t', 'direct:u',
  ]);
  const r = fn(f, 'f').calls.find((c) => c.callee === 'r')!;
  assert.equal(r.assignedTo, 'y');
});

test('tokenReader: field calls carry the receiver type through params, locals, globals and parentheses', () => {
  const f = read([
    'static struct ops *global_ops;',
    'long f(struct file *in, struct pipe_inode_info *pipe)',
    '{',
    '\tconst struct inode_operations *iop = in->f_inode->i_op;',
    '\tfoo_t *h;',
    '\tint (*fp)(int) = pick();',
    '\tin->f_op->splice_read(in, pipe);',
    '\tiop->getattr(h);',
    '\th->ops.run(1);',
    '\tglobal_ops->start();',
    '\t((struct other *)in)->cast_call();',
    '\t(*fp)(2);',
    '\tfp(3);',
    '\ttable[1](4);',
    '\treturn 0;',
    '}',
  ].join('\n'));
  const got = fn(f, 'f').calls.map((c: CallSite) => [c.kind, c.callee, c.receiverType]);
  assert.deepEqual(got, [
    ['direct', 'pick', undefined],
    ['field', 'splice_read', 'file.f_op'],
    ['field', 'getattr', 'inode_operations'],
    ['field', 'run', 'foo_t.ops'],
    ['field', 'start', 'ops'],
    // tree-sitter's typePath strips the cast and reads the variable: `in` is a struct file
    ['field', 'cast_call', 'file'],
    ['pointer', 'fp', undefined],
    ['pointer', 'fp', undefined],
    ['pointer', 'table[1]', undefined],
  ]);
  const splice = fn(f, 'f').calls[1]!;
  assert.deepEqual([splice.line, splice.column, splice.args], [7, 12, 'in, pipe']);
});

test('tokenReader: assignments right side first, assignedTo, ++ operands not walked', () => {
  const f = read([
    'void f(void)',
    '{',
    '\tint ret = a(1);',
    '\tgot = !b(2);',
    '\tc(1)->x = d(2);',
    '\te(3)->count++;',
    '}',
  ].join('\n'));
  const c = fn(f, 'f').calls;
  assert.deepEqual(calls(fn(f, 'f')), ['direct:a', 'direct:b', 'direct:d', 'direct:c']);
  assert.deepEqual([c[0]!.assignedTo, c[1]!.assignedTo, c[1]!.assignedNegated], ['ret', 'got', true]);
});

test('tokenReader: designated initializers and body field assignments', () => {
  const f = read([
    'static const struct file_operations fops = {',
    '\t.read = my_read,',
    '\t.write = &my_write,',
    '\t.poll = (void *)my_poll,',
    '\t.owner = THIS_MODULE, .flags = 3, .name = "x", .p = NULL,',
    '\t.inner = { .open = my_open },',
    '\t{ .nested = my_nested },',
    '\tgnu: my_gnu,',
    '};',
    'void f(struct inode *inode, struct file *file)',
    '{',
    '\tinode->i_fop = &fops;',
    '\tfile->private_ops = handler;',
    '\tfile->f_count = 0;',
    '}',
  ].join('\n'));
  assert.deepEqual(f.fieldAssignments.map((a) => [a.field, a.fn, a.structType, a.object, a.line]), [
    ['read', 'my_read', 'file_operations', 'fops', 2],
    ['write', 'my_write', 'file_operations', 'fops', 3],
    ['poll', 'my_poll', 'file_operations', 'fops', 4],
    ['owner', 'THIS_MODULE', 'file_operations', 'fops', 5],
    // a list behind a designator has no type; one without keeps it, and no name reaches it
    ['open', 'my_open', undefined, 'fops.inner', 6],
    ['nested', 'my_nested', 'file_operations', undefined, 7],
    // GNU `gnu: my_gnu` gives nothing, as collectInitializers (its designator is no field_designator)
    // `&fops` is no bare name: not recorded (BodyWalker.assignment takes identifiers only)
    ['private_ops', 'handler', 'file', undefined, 13],
  ]);
});

test('tokenReader: struct fields, typedefs, anonymous members, nested structs', () => {
  const f = read([
    'struct outer {',
    '\tconst struct file_operations *fops;',
    '\tstruct inner { struct list_head node; } in;',
    '\tunion { struct mutex lock; spinlock_t spin; };',
    '\tint plain;',
    '\tvoid (*callback)(int);',
    '\tstruct a *x, *y;',
    '};',
    'typedef struct { struct dentry *d; } path_t;',
  ].join('\n'));
  assert.deepEqual(f.structFields.map((s) => `${s.struct}.${s.field}:${s.type}`), [
    'outer.fops:file_operations', 'inner.node:list_head', 'outer.in:inner', 'outer.lock:mutex', 'outer.spin:spinlock_t',
    'outer.x:a', 'outer.y:a', 'path_t.d:dentry',
  ]);
});

test('tokenReader: comments and strings hide braces and calls; #if/#else arms that do not balance', () => {
  const f = read([
    'void f(void)',
    '{',
    '\t/* g(); { */ // h(); }',
    '\tputs("i(); }"); c = \'}\';',
    '#ifdef X',
    '\tif (a()) {',
    '#else',
    '\tif (b()) {',
    '#endif',
    '\t\tk();',
    '\t}',
    '#if Y',
    '\tl();',
    '#else',
    '\tm();',
    '#endif',
    '}',
    'void after(void) { n(); }',
  ].join('\n'));
  // the #else arm that opens a second block is dropped (b); balanced arms are both walked (l, m)
  assert.deepEqual(calls(fn(f, 'f')), ['direct:puts', 'direct:a', 'direct:k', 'direct:l', 'direct:m']);
  assert.deepEqual(calls(fn(f, 'after')), ['direct:n']);
});

test('tokenReader: columns count UTF-8 bytes', () => {
  const f = read('void f(void)\n{\n\tx = "é€"; g(1);\n}\n');
  const g = fn(f, 'f').calls[0]!;
  assert.deepEqual([g.line, g.column], [3, 15]);
});

test('tokenReader: return f(x) is an exit through call f (a tail call)', () => {
  const f = read([
    'int f(int x)',
    '{',
    '\tif (x)',
    '\t\treturn g(x);',
    '\tif (x > 1)',
    '\t\treturn;',
    '\th();',
    '\treturn (k(x));',
    '}',
  ].join('\n'));
  const flow = fn(f, 'f').flow;
  assert.deepEqual(flow.blocks[0]!.events, [0, 1, 2].map((call) => ({ kind: 'call', call })));
  assert.deepEqual(flow.blocks.slice(1).map((b) => b.exit), [
    { kind: 'call', call: 0 }, { kind: 'none' }, { kind: 'call', call: 2 }, { kind: 'none' },
  ]);
  assert.deepEqual(flow.blocks[0]!.succ.map((e) => e.to), [1, 2, 3, 4]);
});

/** A fixture tree read both ways gives the same facts; returns the tree-sitter facts of each file. */
async function readersAgreeOn(fixture: string, minFiles: number): Promise<FileFacts[]> {
  const parser = await createCParser(locateWasm(__dirname));
  const root = join(process.cwd(), 'test', 'fixtures', 'c', fixture);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.[ch]$/.test(name)) files.push(p);
    }
  };
  walk(root);
  assert.ok(files.length >= minFiles);
  const all: FileFacts[] = [];
  const callKey = (c: CallSite): string => `${c.kind} ${c.callee} ${c.line}:${c.column} ${c.receiverType ?? '-'}`;
  const view = (f: FileFacts): unknown => ({
    functions: f.functions.map((x) => ({
      name: x.name, isStatic: x.isStatic, kind: x.kind, lines: [x.startLine, x.endLine, x.nameLine, x.nameColumn],
      conditional: x.conditional, calls: x.calls.map(callKey),
    })),
    fieldAssignments: f.fieldAssignments.map((a) => `${a.field}=${a.fn} ${a.structType ?? '-'} ${a.object ?? '-'} ${a.line}`).sort(),
    structFields: f.structFields.map((s) => `${s.struct}.${s.field}:${s.type}`).sort(),
  });
  for (const file of files) {
    const text = maskAnnotations(readFileSync(file, 'utf8'));
    const tree = parser.parse(text);
    assert.ok(tree);
    const expected = extractFileFacts(file, tree);
    tree.delete();
    const facts = readTokenFacts(file, text);
    assert.ok(facts, `${file}: brackets balance`);
    assert.deepEqual(view(facts), view(expected), file);
    all.push(expected);
  }
  return all;
}

test('tokenReader: agrees with tree-sitter on the kernel-like fixture', async () => {
  await readersAgreeOn('kernel-like', 6);
});

test('tokenReader: agrees with tree-sitter on LSM hook registrations and hook calls', async () => {
  const all = await readersAgreeOn('lsm-hooks', 7);
  const stores = all.flatMap((f) => f.fieldAssignments.filter((a) => a.structType === 'security_list_options').map((a) => `${a.field}=${a.fn}`));
  assert.deepEqual(stores.sort(), [
    'file_post_open=guard_file_post_open', 'file_post_open=measure_file_check', 'inode_post_setattr=measure_post_setattr',
    'inode_setattr=guard_inode_setattr',
  ]);
  const hookCalls = all.flatMap((f) => f.functions.flatMap((x) => x.calls.filter((c) => c.receiverType === 'security_list_options')))
    .map((c) => `${c.callee} ${c.line}:${c.column}`);
  assert.deepEqual(hookCalls, ['file_post_open 22:23', 'inode_post_setattr 41:17']);
});

test('tokenReader: declines text whose brackets do not balance, where only a full parse can recover the rest', () => {
  for (const src of [
    '}}}} int int ( ( ( @@@ ;\nvoid ok(void) { f(); }\n',
    'void broken(void) { if (x { g(); }\nvoid ok(void) { f(); }\n',
    'int x[3 = {1};\nvoid ok(void) { f(); }\n',
  ]) assert.equal(readTokenFacts('t.c', src), undefined, src);
});

test('tokenReader: file-scope blocks read as nothing are counted, initializers and definitions are not', () => {
  const f = read([
    'BPF_CALL_2(bpf_x, int, a, int, b)\n{\n\treturn f(a);\n}',
    'static DEFINE_PER_CPU(struct lru, lrus) = {{ NULL }};',
    'static int g(void) { return 0; }',
    'static const struct ops t = { .x = g };',
  ].join('\n'));
  assert.deepEqual(f.functions.map((x) => x.name), ['g']);
  assert.equal(f.errorNodes, 1, 'the BPF_CALL_2 body, which no reader takes for a function');
});

test('tokenReader: a function-defining macro without `;` ends at its line; noinline_for_stack is an annotation', () => {
  const f = read([
    'TLV_PUT_DEFINE_INT(64)',
    '',
    'static int tlv_put_string(struct send_ctx *sctx, const char *str)',
    '{',
    '\treturn tlv_put(sctx, str);',
    '}',
    'EXPORT_SYMBOL(tlv_put_string);',
    'static noinline_for_stack',
    'struct btrfs_root *select_reloc_root(struct reloc_control *rc)',
    '{',
    '\treturn pick(rc);',
    '}',
  ].join('\n'));
  assert.deepEqual(f.functions.map((x) => [x.name, x.isStatic, x.startLine]), [['tlv_put_string', true, 3], ['select_reloc_root', true, 8]]);
  assert.deepEqual(calls(fn(f, 'select_reloc_root')), ['direct:pick']);
});

test('tokenReader and tree-sitter: an ops table entry right after #ifdef (or #endif then #ifndef) is a store for both', async () => {
  // tree-sitter has no directives inside initializer lists: `#ifdef CONFIG_BLOCK` becomes an
  // error and `.dirty_folio = ...` reads as `CONFIG_BLOCK.dirty_folio = ...`.
  const src = [
    'const struct address_space_operations ecryptfs_aops = {',
    '#ifdef CONFIG_BLOCK',
    '\t.dirty_folio\t= block_dirty_folio,',
    '\t.invalidate_folio = block_invalidate_folio,',
    '#endif',
    '\t.writepage = ecryptfs_writepage,',
    '\t.read_folio = ecryptfs_read_folio,',
    // One error holds both directives; the entry after the second opens its block too, and by address.
    '#endif',
    '#ifndef CONFIG_MIGRATION',
    '\t.migrate_folio = &ecryptfs_migrate_folio,',
    '#endif',
    '};',
    '',
  ].join('\n');
  const parser = await createCParser(locateWasm(__dirname));
  const tree = parser.parse(maskAnnotations(src));
  assert.ok(tree);
  const fromTree = extractFileFacts('t.c', tree);
  tree.delete();
  const stores = (f: FileFacts): string[] => f.fieldAssignments.map((a) => `${a.field}=${a.fn} ${a.structType ?? '-'} ${a.object ?? '-'} ${a.line}`).sort();
  assert.deepEqual(stores(fromTree), stores(read(src)));
  assert.deepEqual(stores(fromTree), [
    'dirty_folio=block_dirty_folio address_space_operations ecryptfs_aops 3',
    'invalidate_folio=block_invalidate_folio address_space_operations ecryptfs_aops 4',
    'migrate_folio=ecryptfs_migrate_folio address_space_operations ecryptfs_aops 10',
    'read_folio=ecryptfs_read_folio address_space_operations ecryptfs_aops 7',
    'writepage=ecryptfs_writepage address_space_operations ecryptfs_aops 6',
  ]);
});
