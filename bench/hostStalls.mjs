// Who stalls the extension host: reads the CPU profiles that `bench/editor.mjs --profile-host DIR`
// has the extension write (one per host-health period) and splits each busy stretch of the main
// thread (no idle sample in it) into Lockpath's code, garbage collection, code-server's own code
// (extensions, file search, the remote channel) and time no sample covers.
//
//   node bench/hostStalls.mjs DIR [--min 50]
//
// A sample that comes long after the one before (more than 5 ms; the profiler samples every
// 1 ms) means the sampler thread was not run: on a loaded machine the host then waits for a core
// too, and what it did meanwhile is unknown. Such time is counted as "unsampled", not given to
// the frame of the late sample.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { min: { type: 'string', default: '50' } } });
if (positionals.length !== 1) {
  console.error('usage: node bench/hostStalls.mjs DIR [--min MS]');
  process.exit(2);
}
const dir = positionals[0];
const minMs = Number(opts.min);
const LATE_US = 5000;
const OURS = /lockpath[^/]*\/dist\//;

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id) => {
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur).callFrame);
    return stack;
  };
  /** idle, gc, lockpath (with its outermost frame), or code-server (with its outermost frame). */
  const kindOf = (id) => {
    const leaf = byId.get(id).callFrame.functionName;
    if (leaf === '(idle)') return { kind: 'idle' };
    if (leaf === '(garbage collector)') return { kind: 'gc' };
    if (leaf === '(program)') return { kind: 'code-server', what: '(program)' };
    const stack = stackOf(id).reverse().filter((f) => f.url !== '');
    const ours = stack.find((f) => OURS.test(f.url));
    const frame = ours ?? stack[0];
    const what = frame === undefined ? '?' : `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
    return { kind: ours !== undefined ? 'lockpath' : 'code-server', what };
  };
  const runs = [];
  let run;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i];
    t += delta;
    const k = kindOf(id);
    if (k.kind === 'idle') {
      if (run !== undefined) runs.push(run);
      run = undefined;
      return;
    }
    run ??= { start: t - delta, end: t, parts: { lockpath: 0, gc: 0, 'code-server': 0, unsampled: 0 }, top: new Map() };
    run.end = t;
    const sampled = delta > LATE_US ? 1000 : delta;
    run.parts[k.kind] += sampled;
    run.parts.unsampled += delta - sampled;
    if (k.what !== undefined) run.top.set(`${k.kind}: ${k.what}`, (run.top.get(`${k.kind}: ${k.what}`) ?? 0) + sampled);
  });
  if (run !== undefined) runs.push(run);
  const long = runs.filter((r) => (r.end - r.start) / 1000 >= minMs);
  const ms = (us) => Math.round(us / 1000);
  const sum = { lockpath: 0, gc: 0, 'code-server': 0, unsampled: 0 };
  for (const r of long) for (const k of Object.keys(sum)) sum[k] += r.parts[k];
  const worst = long.reduce((a, r) => (r.parts.lockpath > (a?.parts.lockpath ?? -1) ? r : a), undefined);
  console.log(`${file}: ${long.length} busy stretches >= ${minMs} ms, longest ${ms(Math.max(0, ...long.map((r) => r.end - r.start)))} ms; `
    + `in them ${Object.entries(sum).map(([k, v]) => `${k} ${ms(v)} ms`).join(', ')}`);
  if (worst !== undefined && worst.parts.lockpath > 0) {
    const top = [...worst.top].filter(([k]) => k.startsWith('lockpath')).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k.slice(10)} ${ms(v)} ms`).join('; ');
    console.log(`  most Lockpath in one stretch: ${ms(worst.parts.lockpath)} ms of ${ms(worst.end - worst.start)} ms at +${((worst.start - profile.startTime) / 1e6).toFixed(1)} s (${top})`);
  }
}
