/** Bundle figures: sizes of dist/*.js as built, a production build into a temp folder, and bundle load times. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './sse-client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const kb = (file) => Math.round(fs.statSync(file).size / 1024);

/** Times `require` of `bundle` in fresh processes (`reps` times); ms each. */
function loadTimes(bundle, reps) {
  const out = [];
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, [path.join(here, 'load-bundle.cjs'), bundle], { encoding: 'utf8', cwd: os.tmpdir(), timeout: 30_000 });
    const line = (r.stdout ?? '').trim().split('\n').reverse().find((l) => l.startsWith('{"loadMs"'));
    out.push(line ? JSON.parse(line).loadMs : NaN);
  }
  return out;
}

/** Builds the production extension and CLI bundles (minified, as `npm run package` does) into a temp folder. */
async function productionBuild() {
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-bundle-'));
  const common = { bundle: true, minify: true, sourcemap: false, logLevel: 'silent', legalComments: 'none', platform: 'node', format: 'cjs', target: 'node20', metafile: true, absWorkingDir: root };
  const ext = await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: path.join(dir, 'extension.js'), external: ['vscode'] });
  await esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: path.join(dir, 'cli.js') });
  const inputs = Object.values(ext.metafile.outputs)[0].inputs;
  const byPackage = {};
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.startsWith('src/') ? 'src/' + file.split('/')[1] : file;
    byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
  }
  const topInputsKb = Object.fromEntries(Object.entries(byPackage).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, Math.round(v / 1024)]));
  return { dir, topInputsKb };
}

/** All bundle figures; `reps` load-time repetitions. */
export async function bundleFigures(reps) {
  const dist = path.join(root, 'dist');
  const devKb = {};
  for (const f of fs.readdirSync(dist).filter((f) => f.endsWith('.js'))) devKb[f] = kb(path.join(dist, f));
  const prod = await productionBuild();
  const productionKb = { 'extension.js': kb(path.join(prod.dir, 'extension.js')), 'cli.js': kb(path.join(prod.dir, 'cli.js')) };
  const extensionLoadMs = loadTimes(path.join(prod.dir, 'extension.js'), reps);
  const cliLoadMs = loadTimes(path.join(prod.dir, 'cli.js'), reps);
  fs.rmSync(prod.dir, { recursive: true, force: true });
  return { devKb, productionKb, topInputsKb: prod.topInputsKb, extensionLoadMs, cliLoadMs, extensionLoadMsMedian: median(extensionLoadMs) };
}
