// The layer order of src/core, checked on its import statements: data flows one way, from the
// files on disk to the report, and a stage may import only itself, earlier stages and the
// shared model. The order is written below as data, one reason per entry; a new folder or
// top-level file under src/core fails this test until it is given a place here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importGraph, importSpecifiers, sourceFiles, type ImportEdge } from '../../support/importGraph';

/** Imported by every stage; they import only each other. */
const SHARED: Record<string, string> = {
  'model': 'types of facts, chains and traces, and the packed layout with its readers: the words the stages pass to each other',
  'version.ts': 'the version and build id that name caches and reports',
};

interface Layer {
  /** A folder of src/core, or a file directly in it (with its .ts). */
  name: string;
  why: string;
  /** Only these layers (besides itself) may import it, even if they come later. */
  onlyFor?: { layers: readonly string[]; why: string };
}

/** Earliest first: an entry may import the entries above it, never those below. */
const ORDER: readonly Layer[] = [
  { name: 'sources', why: 'walks the tree and decodes bytes: the files as they are on disk' },
  { name: 'parse', why: 'loads tree-sitter (and finds its wasm files) for the readers to use' },
  {
    name: 'facts', why: 'one file -> FileFacts, by the tree-sitter or the token reader',
    onlyFor: { layers: ['index'], why: 'later stages see facts only as the index packs them, so the readers stay swappable' },
  },
  {
    name: 'index', why: 'all files -> packed facts: worker threads, the fact and result caches',
    onlyFor: { layers: ['analyze.ts', 'live'], why: 'the stages after it read what it makes, the packed facts of model/, not how it makes them' },
  },
  { name: 'graph', why: 'packed facts -> the call graph, with function-pointer fields resolved' },
  { name: 'rules', why: 'rule specs, held state over one body, and wrapper summaries over the graph' },
  { name: 'chains', why: 'the reverse search from sinks to acquisitions over the graph and the rule models' },
  { name: 'report', why: 'text, JSON and SARIF of a scan result: the end of the pipeline' },
  // Facades above the pipeline: they run it, keep it up to date, or join other data to it.
  { name: 'chainAnalysis.ts', why: 'runs the chain search of every rule over one graph' },
  { name: 'analyze.ts', why: 'the whole scan, sources to chains, with the caches: the one entry point' },
  { name: 'traces', why: 'parses logs and joins them to a static graph and its chains; a scan never needs a log' },
  { name: 'live', why: 'a scan kept up to date per edited file, for the extension' },
  { name: 'editor', why: 'questions an editor asks of a live analysis (being added with the extension)' },
  { name: 'diff', why: 'compares the results of two scans (being added with `lockpath diff`)' },
  { name: 'heapFlags.ts', why: 'V8 flags of the processes that hold an analysis: the CLI\'s child and the index server' },
];

/**
 * Known back-edges, each to be removed by the change its comment names. The test fails when one
 * of them is gone, so that the list only shrinks.
 */
const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
];

/** Imports that src/core must never have, whatever the stage. */
const OUTSIDE_CORE = [
  { matches: (to: string) => to === 'vscode', why: 'the core is a library the CLI runs without VS Code' },
  { matches: (to: string) => to.startsWith('src/cli/'), why: 'the CLI calls the core, not the other way' },
  { matches: (to: string) => to.startsWith('src/extension/'), why: 'the extension calls the core, not the other way' },
  { matches: (to: string) => to.startsWith('webview/'), why: 'views render what the core gives them' },
];

/** The layer a src/core path belongs to: its folder, or its file name when it sits in src/core itself. */
function layerOf(path: string): string | undefined {
  const m = /^src\/core\/([^/]+)/.exec(path);
  return m === null ? undefined : m[1];
}

const rank = new Map(ORDER.map((l, i) => [l.name, i]));
const layers = new Map(ORDER.map((l) => [l.name, l]));

/** Why `edge` breaks the order, or undefined when it keeps it. */
function violation(edge: ImportEdge): string | undefined {
  const from = layerOf(edge.from);
  if (from === undefined) return undefined;
  const outside = OUTSIDE_CORE.find((o) => o.matches(edge.to));
  if (outside !== undefined) return outside.why;
  const to = layerOf(edge.to);
  if (to === undefined || to === from) return undefined;
  if (from in SHARED) return to in SHARED ? undefined : `${from} is shared by every stage and may import only ${Object.keys(SHARED).join(', ')}`;
  if (to in SHARED) return undefined;
  const target = layers.get(to);
  if (target === undefined) return undefined; // reported as an unplaced layer
  if ((rank.get(to) ?? 0) > (rank.get(from) ?? 0)) return `${from} comes before ${to} in the layer order`;
  if (target.onlyFor !== undefined && !target.onlyFor.layers.includes(from)) return `only ${target.onlyFor.layers.join(', ')} may import ${to}: ${target.onlyFor.why}`;
  return undefined;
}

const isException = (e: ImportEdge): boolean => EXCEPTIONS.some((x) => x.from === e.from && x.to === e.to);
const show = (e: ImportEdge): string => `${e.from}:${e.line} imports ${e.to}`;

const edges = importGraph(process.cwd(), 'src');

test('boundaries: the import reader finds every kind of statement', () => {
  const text = [
    "import type { A,\n  B } from './a';",
    "export { c } from '../c';",
    "import './side';",
    "// import { x } from './commented';",
    'const m = await import("./lazy");',
  ].join('\n');
  assert.deepEqual(importSpecifiers(text).map((s) => [s.specifier, s.line]), [['./a', 1], ['../c', 3], ['./side', 4], ['./lazy', 6]]);
  // Against the real tree: a multi-line import and a top-level facade.
  assert.ok(edges.some((e) => e.from === 'src/core/index/packFacts.ts' && e.to === 'src/core/model/packedFacts.ts'));
  assert.ok(edges.some((e) => e.from === 'src/core/analyze.ts' && e.to === 'src/core/chainAnalysis.ts'));
});

test('boundaries: every folder and top-level file of src/core has a place in the layer order', () => {
  const unplaced = [...new Set(sourceFiles(process.cwd(), 'src/core').map(layerOf))]
    .filter((l): l is string => l !== undefined && !(l in SHARED) && !layers.has(l));
  assert.deepEqual(unplaced, [], 'add these to ORDER or SHARED in test/unit/boundaries/layerOrder.test.ts');
});

test('boundaries: src/core imports only earlier stages, the shared model, and nothing of the CLI, extension or vscode', () => {
  const broken = edges.filter((e) => !isException(e)).flatMap((e) => {
    const why = violation(e);
    return why === undefined ? [] : [`${show(e)}: ${why}`];
  });
  assert.deepEqual(broken, []);
});

test('boundaries: every listed exception is still a back-edge (remove it from the list once fixed)', () => {
  const stale = EXCEPTIONS.filter((x) => !edges.some((e) => e.from === x.from && e.to === x.to && violation(e) !== undefined));
  assert.deepEqual(stale.map((x) => `${x.from} -> ${x.to}`), []);
});

test('boundaries: traces/parse reads logs alone: it imports only itself and the shared model, never the overlay or a scan', () => {
  // The overlay joins parsed logs to a static graph; parsing a log must stay possible without one.
  const broken = edges.filter((e) => e.from.startsWith('src/core/traces/parse/'))
    .filter((e) => !e.to.startsWith('src/core/traces/parse/') && !e.to.startsWith('src/core/model/') && !e.to.startsWith('node:'));
  assert.deepEqual(broken.map(show), []);
});

test('boundaries: the two fact readers stand apart: facts/tree and facts/tokens never import each other', () => {
  // Only facts/readFile.ts picks between them; what both need sits at the top of facts/.
  const crossing = edges.filter((e) => (e.from.startsWith('src/core/facts/tree/') && e.to.startsWith('src/core/facts/tokens/'))
    || (e.from.startsWith('src/core/facts/tokens/') && e.to.startsWith('src/core/facts/tree/')));
  assert.deepEqual(crossing.map(show), []);
});
