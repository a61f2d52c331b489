/**
 * Profiles the gateway under one load: starts the fake upstream and the built gateway with `node --cpu-prof`,
 * drives one route with autocannon (or concurrent streams), stops the gateway so V8 writes the profile, and
 * prints bench/profile-summary.mjs's breakdown. Usage:
 *   node bench/profile.mjs [--route openai|anthropic|anthropic-to-openai|openai-to-anthropic] [--stream]
 *                          [--chunks N] [--delay MS] [--seconds N] [--connections N] [--dir DIR] [--cli FILE]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadOnce } from './phases.mjs';
import { stop } from './proc.mjs';
import { CLI, configureUpstream, prepareDataDir, startGateway, startUpstream, useCli } from './setup.mjs';
import { makeAgent, streamMany } from './sse-client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: {
  route: { type: 'string' }, cli: { type: 'string' }, stream: { type: 'boolean' }, seconds: { type: 'string' }, connections: { type: 'string' }, dir: { type: 'string' },
  chunks: { type: 'string' }, delay: { type: 'string' },
} });
const route = values.route ?? 'openai';
const seconds = Math.min(120, Number(values.seconds ?? 10));
const connections = Math.min(2000, Number(values.connections ?? 64));
const dir = path.resolve(values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-prof-')));
fs.mkdirSync(dir, { recursive: true });

// Profile positions are lines of the bundle: run a private copy so a rebuild of dist/ cannot skew the mapping.
const copy = path.join(dir, 'cli.js');
fs.copyFileSync(values.cli ?? CLI, copy);
useCli(copy);
const upstream = await startUpstream();
const { dataDir, key } = prepareDataDir();
const gw = await startGateway(upstream.url, dataDir, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
try {
  const inbound = route === 'openai' || route === 'openai-to-anthropic' ? 'openai' : 'anthropic';
  const model = route === 'openai' || route === 'anthropic-to-openai' ? 'bench-oa' : 'bench-an';
  const prompt = 'Summarize the following in one sentence. ' + 'Switchboard routes requests from coding agents to upstream model providers. '.repeat(8);
  const target = inbound === 'openai'
    ? { name: route, url: `${gw.url}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: { model, messages: [{ role: 'user', content: prompt }], max_tokens: 200 }, pid: gw.child.pid }
    : { name: route, url: `${gw.url}/v1/messages`, headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' }, body: { model, max_tokens: 200, messages: [{ role: 'user', content: prompt }] }, pid: gw.child.pid };
  if (values.stream) {
    // Short, fast streams (e.g. --chunks 5 --delay 0) show the per-stream set-up cost; the default shows relaying.
    const chunks = Number(values.chunks ?? 50);
    await configureUpstream(upstream.url, { chunks, delayMs: Number(values.delay ?? 20) });
    const agent = makeAgent(connections);
    const deadline = Date.now() + seconds * 1000;
    let n = 0;
    while (Date.now() < deadline && n < 100_000) { await streamMany(connections, { url: target.url, headers: target.headers, body: { ...target.body, stream: true }, agent }); n += connections; }
    agent.destroy();
    process.stdout.write(`${n} streams of ${chunks} chunks at concurrency ${connections}\n`);
  } else {
    const s = await loadOnce(target, connections, seconds, upstream.child.pid);
    process.stdout.write(`${s.total} requests, ${s.reqPerSec.toFixed(0)} req/s, ${s.proxyCpuUsPerReq?.toFixed(0)} µs CPU/request, non2xx ${s.non2xx}\n`);
  }
} finally {
  await stop(gw.child, 20_000);
  await stop(upstream.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)).sort().at(-1);
if (!file) throw new Error(`no profile written in ${dir}`);
process.stdout.write(`profile: ${file}\n`);
spawnSync(process.execPath, [path.join(here, 'profile-summary.mjs'), file, '--top', '30'], { stdio: 'inherit' });
