/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package/source folder,
 * and inclusive time of functions whose name matches --grep. Usage:
 *   node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--grep REGEX] [--after-ms MS]
 * `--after-ms` keeps only samples taken MS or more after the profile started (e.g. to leave start-up and a warm-up
 * phase out). Source maps are not applied: bundle locations are mapped back to sources by the `// src/…` and
 * `// node_modules/…` comments esbuild writes in unminified bundles.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, grep: { type: 'string' }, 'after-ms': { type: 'string' } } });
const file = positionals[0];
if (!file) { process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--grep REGEX]\n'); process.exit(2); }
const top = Number(values.top ?? 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));

// Sample time per node id (from --after-ms on; times in the profile are µs).
const afterUs = Number(values['after-ms'] ?? 0) * 1000;
const dt = new Map();
let clock = 0;
for (let i = 0; i < prof.samples.length; i++) {
  clock += prof.timeDeltas[i] ?? 0;
  if (clock >= afterUs) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const total = [...dt.values()].reduce((a, b) => a + b, 0);

// Map bundle line numbers to the source file esbuild names in its `// path` comments.
const bundleSources = new Map();
function sourceOf(url, line) {
  if (!url.startsWith('file://') || !url.endsWith('.js')) return url || '(native)';
  const path = url.slice(7);
  let marks = bundleSources.get(path);
  if (!marks) {
    marks = [];
    try {
      const lines = fs.readFileSync(path, 'utf8').split('\n');
      lines.forEach((l, i) => { const m = /^\/\/ ((?:src|node_modules|webview-ui)\/\S+)$/.exec(l); if (m) marks.push([i, m[1]]); });
    } catch { /* not readable */ }
    bundleSources.set(path, marks);
  }
  let lo = 0, hi = marks.length - 1, found = path;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (marks[mid][0] <= line) { found = marks[mid][1]; lo = mid + 1; } else hi = mid - 1; }
  return found;
}
const groupOf = (src) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src);
  if (m) return m[1];
  if (src.startsWith('src/')) return src.split('/').slice(0, 3).join('/');
  return src.startsWith('node:') || !src.includes('/') ? `node internals / ${src || 'native'}` : src;
};

const selfByFn = new Map();
const selfByGroup = new Map();
for (const [id, t] of dt) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const src = sourceOf(cf.url, cf.lineNumber);
  const key = `${cf.functionName || '(anonymous)'}  ${src}:${cf.lineNumber + 1}`;
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + t);
  const g = cf.url ? groupOf(src) : cf.functionName || '(native)';
  selfByGroup.set(g, (selfByGroup.get(g) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms`;
const print = (title, map) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(t)}  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('self time by package / source folder', selfByGroup);
print('self time by function', selfByFn);

if (values.grep) {
  // Inclusive time: a sample counts once for every distinct matching frame on its stack.
  const re = new RegExp(values.grep);
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (const [id, t] of dt) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      const key = `${cf.functionName || '(anonymous)'}  ${sourceOf(cf.url, cf.lineNumber)}:${cf.lineNumber + 1}`;
      if (re.test(key) && !seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + t); }
    }
  }
  print(`inclusive time of functions matching /${values.grep}/`, incl);
}
