/**
 * `npm run bench --smoke`: the benchmark runs end to end (fake upstream, reference proxy, built gateway CLI) and
 * produces every figure. It asserts only that figures exist and are numbers, never how fast anything is.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');

interface BenchJson {
  meta: { mode: string; options: { concurrencies: number[]; manyCount: number } };
  figures: Record<string, unknown>;
  targets: Array<{ name: string; value: unknown; pass: unknown; limit: unknown }>;
}

describe('bench (smoke run)', function () {
  this.timeout(180_000);
  let json: BenchJson;
  let output = '';
  let exitCode: number | null = null;
  let outDir = '';

  before(async function () {
    if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs', '--only', 'cli'], { stdio: 'inherit' });
    assert.ok(fs.existsSync(CLI), 'dist/cli.js was built');
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-smoke-'));
    const out = path.join(outDir, 'bench.json');
    const child = spawn(process.execPath, ['bench/run.mjs', '--smoke', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    exitCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
      child.once('exit', (code) => { clearTimeout(timer); resolve(code); });
    });
    assert.equal(exitCode, 0, `bench exited ${exitCode}:\n${output.slice(-4000)}`);
    json = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchJson;
  });
  after(() => { if (outDir) fs.rmSync(outDir, { recursive: true, force: true }); });

  it('reports every figure as a finite number', () => {
    const bad = Object.entries(json.figures).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
    assert.deepEqual(bad, [], 'figures that are missing or not numbers');
  });

  it('covers every section of the issue', () => {
    const f = json.figures;
    const n = json.meta.options.manyCount;
    const expected: string[] = [];
    for (const c of [1, 16, 64, 256]) {
      for (const t of ['direct', 'reference', 'gateway']) {
        for (const m of ['reqPerSec', 'p50Ms', 'p99Ms', 'cpuUsPerReq']) expected.push(`nonstream.c${c}.${t}.${m}`);
      }
    }
    for (const t of ['direct', 'reference', 'gateway']) {
      expected.push(`latencyC1.${t}.p50Ms`, `latencyC1.${t}.p99Ms`, `stream.${t}.firstByteMs`, `stream.${t}.lastByteMs`,
        `stream.${t}.readsPerChunk`, `stream.${t}.spreadRatio`, `streams${n}.${t}.completed`, `streams${n}.${t}.firstByteP50Ms`, `streams${n}.${t}.firstByteP99Ms`);
    }
    for (const t of ['reference', 'gateway']) expected.push(`streams${n}.${t}.peakRssMb`, `startup.${t}.startMs`, `startup.${t}.idleRssMb`);
    for (const r of ['ref-openai', 'gw-openai', 'ref-anthropic', 'gw-anthropic', 'gw-anthropic-to-openai', 'gw-openai-to-anthropic']) {
      expected.push(`routes.${r}.c64.reqPerSec`, `routes.${r}.c64.cpuUsPerReq`, `routes.${r}.stream.firstByteMs`, `routes.${r}.stream.lastByteMs`, `routes.${r}.stream.readsPerChunk`);
    }
    expected.push('bundle.production.extension.js.kb', 'bundle.production.cli.js.kb', 'bundle.dev.cli.js.kb', 'bundle.extensionLoadMs', 'bundle.cliLoadMs');
    assert.deepEqual(expected.filter((k) => !(k in f)), [], 'figures missing from the report');
  });

  it('completed every stream it started (the run exercised streaming for real)', () => {
    const n = json.meta.options.manyCount;
    for (const t of ['direct', 'reference', 'gateway']) assert.equal(json.figures[`streams${n}.${t}.completed`], n, t);
  });

  it('gives a verdict with a numeric value for every target and prints the table', () => {
    assert.equal(json.targets.length, 13);
    for (const t of json.targets) {
      assert.equal(typeof t.pass, 'boolean', t.name);
      assert.equal(typeof t.value, 'number', t.name);
      assert.ok(Number.isFinite(t.value as number), `${t.name}: ${String(t.value)}`);
    }
    assert.match(output, /gw÷ref/);
    assert.match(output, /(PASS|FAIL) {2}pass-through c=64 throughput/);
  });
});
