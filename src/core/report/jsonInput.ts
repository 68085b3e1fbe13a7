// Reads back a report written by `lockpath scan --format json` (a diff side, a baseline).
// Checked field by field: a file that is not such a report gets an error that says what is
// wrong and where, never a half-read result.
import { REASON_KINDS, type Chain, type ChainHop, type ChainReason, type ScanResult } from '../model/chain';

export class ResultFileError extends Error {}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class Reader {
  constructor(private readonly name: string) {}

  fail(where: string, what: string): never {
    throw new ResultFileError(`${this.name}: ${where}: ${what}`);
  }

  obj(x: unknown, where: string): Obj {
    return isObj(x) ? x : this.fail(where, 'expected an object');
  }

  str(o: Obj, key: string, where: string): string {
    const v = o[key];
    return typeof v === 'string' ? v : this.fail(`${where}.${key}`, 'expected a string');
  }

  num(o: Obj, key: string, where: string): number {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(`${where}.${key}`, 'expected a number');
  }

  arr(o: Obj, key: string, where: string): unknown[] {
    const v = o[key];
    return Array.isArray(v) ? v : this.fail(`${where}.${key}`, 'expected an array');
  }
}

function readHop(r: Reader, x: unknown, where: string): ChainHop {
  const o = r.obj(x, where);
  const hop: ChainHop = {
    caller: r.str(o, 'caller', where), callee: r.str(o, 'callee', where), file: r.str(o, 'file', where),
    line: r.num(o, 'line', where), column: r.num(o, 'column', where), via: r.str(o, 'via', where),
  };
  if (o.candidates !== undefined) hop.candidates = r.num(o, 'candidates', where);
  if (o.structType !== undefined) hop.structType = r.str(o, 'structType', where);
  return hop;
}

function readChain(r: Reader, x: unknown, where: string): Chain {
  const o = r.obj(x, where);
  const a = r.obj(o.acquire, `${where}.acquire`);
  const aw = `${where}.acquire`;
  const hops = r.arr(o, 'hops', where).map((h, i) => readHop(r, h, `${where}.hops[${i}]`));
  if (hops.length === 0) r.fail(`${where}.hops`, 'a chain has at least one hop');
  return {
    id: r.str(o, 'id', where),
    rule: r.str(o, 'rule', where),
    acquire: {
      function: r.str(a, 'function', aw), call: r.str(a, 'call', aw), file: r.str(a, 'file', aw),
      line: r.num(a, 'line', aw), column: r.num(a, 'column', aw),
      ...(a.condition !== undefined ? { condition: r.str(a, 'condition', aw) } : {}),
    },
    hops,
    sink: r.str(o, 'sink', where),
    ...(Array.isArray(o.alsoSinks) ? { alsoSinks: o.alsoSinks.filter((x): x is string => typeof x === 'string') } : {}),
    indirect: o.indirect === true,
    // Reports written before chains were rated show every chain: they count as likely.
    confidence: o.confidence === 'possible' ? 'possible' : 'likely',
    reasons: Array.isArray(o.reasons) ? o.reasons.map((x, i) => readReason(r, x, `${where}.reasons[${i}]`)) : [],
  };
}

function readReason(r: Reader, x: unknown, where: string): ChainReason {
  const o = r.obj(x, where);
  const kind = r.str(o, 'kind', where);
  const known = REASON_KINDS.find((k) => k === kind);
  return { hop: r.num(o, 'hop', where), kind: known ?? r.fail(`${where}.kind`, `unknown reason kind "${kind}"`), lowers: o.lowers === true, text: r.str(o, 'text', where) };
}

/** The ScanResult a JSON report holds; `name` (the file) prefixes every error. */
export function parseJsonReport(text: string, name: string): ScanResult {
  const r = new Reader(name);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return r.fail('not JSON', (e as Error).message);
  }
  const o = r.obj(doc, 'document');
  if (o.tool !== 'lockpath') r.fail('tool', 'not a lockpath JSON report (write one with `lockpath scan --format json`)');
  const stats = r.obj(o.stats, 'stats');
  return {
    tool: 'lockpath',
    version: r.str(o, 'version', 'document'),
    root: r.str(o, 'root', 'document'),
    rules: r.arr(o, 'rules', 'document').map((x, i) => (typeof x === 'string' ? x : r.fail(`rules[${i}]`, 'expected a string'))),
    stats: {
      files: r.num(stats, 'files', 'stats'), functions: r.num(stats, 'functions', 'stats'), callSites: r.num(stats, 'callSites', 'stats'),
      filesWithErrors: r.num(stats, 'filesWithErrors', 'stats'), durationMs: r.num(stats, 'durationMs', 'stats'),
      cachedFiles: r.num(stats, 'cachedFiles', 'stats'), skippedFiles: r.num(stats, 'skippedFiles', 'stats'),
      // What a report at `likely` left out: a diff at `possible` warns that those count as not there.
      ...(stats.hiddenChains !== undefined ? { hiddenChains: r.num(stats, 'hiddenChains', 'stats') } : {}),
    },
    chains: r.arr(o, 'chains', 'document').map((c, i) => readChain(r, c, `chains[${i}]`)),
    skipped: [],
    notAnalysed: [],
  };
}
