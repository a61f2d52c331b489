/** Starts the bench's processes: fake upstream, reference proxy and the built gateway CLI (auth, limits, mapping on). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, memMb, spawnNode, stop, waitForOutput } from './proc.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..');
/** The gateway CLI under test: dist/cli.js, or another build (`--cli FILE`, for before/after comparisons). */
export let CLI = path.join(ROOT, 'dist', 'cli.js');
/** Uses another CLI build. */
export function useCli(file) { CLI = path.resolve(file); }
export const UPSTREAM_KEY = 'sk-bench-upstream-0000';
export const CORES = { client: 0, upstream: 0, proxy: 1 };

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the fake upstream; resolves to { child, url }. */
export async function startUpstream() {
  const child = spawnNode([path.join(here, 'fake-upstream.mjs')], { core: CORES.upstream });
  const m = await waitForOutput(child, /\{"port":(\d+)\}/);
  return { child, url: `http://127.0.0.1:${m[1]}` };
}

/** Sets the upstream's stream shape for the next phase. */
export async function configureUpstream(url, settings) {
  const res = await fetch(`${url}/__bench/config`, { method: 'POST', body: JSON.stringify(settings) });
  if (!res.ok) throw new Error(`upstream config failed: ${res.status}`);
}

/** The gateway config: two providers on the fake upstream, model mappings, info logging (the default). */
export function gatewayConfig(upstreamUrl, port) {
  return {
    server: { host: '127.0.0.1', port, authMode: 'all_except_health' },
    providers: [
      { id: 'oa', type: 'openai', baseUrl: `${upstreamUrl}/v1`, keys: [{ label: 'bench', key: UPSTREAM_KEY }], models: ['gpt-bench'] },
      { id: 'an', type: 'anthropic', baseUrl: `${upstreamUrl}/v1`, keys: [{ label: 'bench', key: UPSTREAM_KEY }], models: ['claude-bench'] },
    ],
    modelMappings: [{ from: 'bench-oa', to: 'oa/gpt-bench' }, { from: 'bench-an', to: 'an/claude-bench' }],
    logLevel: 'info',
  };
}

/** A data folder with a gateway key whose limits are all enabled but set far above the load (via the CLI). */
export function prepareDataDir() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const args = [CLI, 'keys', 'create', '--data-dir', dataDir, '--name', 'bench', '--models', '*', '--rpm', '1000000000',
    '--rpd', '100000000000', '--concurrency', '100000', '--quota', '1000000000000000', '--quota-per-day', '1000000000000000',
    '--max-tokens', '1000000'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const key = /(sb-\S+)/.exec(r.stdout ?? '')?.[1];
  if (r.status !== 0 || !key) throw new Error(`keys create failed (${r.status}): ${r.stdout}${r.stderr}`);
  return { dataDir, key };
}

/** Polls `url` until it answers 200; resolves to the ms since `t0`. Bounded by `timeoutMs`. */
async function firstOk(url, t0, timeoutMs = 15_000) {
  const deadline = t0 + timeoutMs;
  while (nowMs() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return nowMs() - t0;
    } catch { /* not listening yet */ }
    await sleep(3);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Starts the gateway CLI (`dist/cli.js serve`) on a fresh port with `dataDir`; resolves to
 * { child, url, startMs } where startMs is spawn → first 200 from /health. `nodeArgs` go before the script.
 */
export async function startGateway(upstreamUrl, dataDir, nodeArgs = []) {
  const port = await freePort();
  const configFile = path.join(dataDir, 'bench-config.json');
  fs.writeFileSync(configFile, JSON.stringify(gatewayConfig(upstreamUrl, port), null, 2));
  const t0 = nowMs();
  const child = spawnNode([...nodeArgs, CLI, 'serve', '--config', configFile, '--data-dir', dataDir], { core: CORES.proxy });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${child.output.slice(-2000)}`))));
  const startMs = await Promise.race([firstOk(`${url}/health`, t0), exited]);
  await waitForOutput(child, /listening on/);
  return { child, url, startMs };
}

/** Starts the reference proxy; startMs is spawn → first 200 (a pass-through request answered by the upstream). */
export async function startReference(upstreamUrl) {
  const t0 = nowMs();
  const child = spawnNode([path.join(here, 'reference-proxy.mjs'), upstreamUrl], { core: CORES.proxy });
  const m = await waitForOutput(child, /\{"port":(\d+)\}/);
  const url = `http://127.0.0.1:${m[1]}`;
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{"model":"x","messages":[]}' });
  await res.arrayBuffer();
  return { child, url, startMs: nowMs() - t0 };
}

/** Cold-starts `start()` `reps` times: start-to-ready time and idle RSS (after `settleMs`), each process then stopped. */
export async function coldStarts(start, reps, settleMs) {
  const out = [];
  for (let i = 0; i < reps; i++) {
    const p = await start();
    await sleep(settleMs);
    out.push({ startMs: p.startMs, idleRssMb: memMb(p.child.pid).rss });
    await stop(p.child);
  }
  return out;
}
