/**
 * A/B of whole gateway builds: starts each built CLI (auth, limits, mappings on, as in run.mjs) on one fake upstream
 * and loads them in turn at one concurrency, alternating the order each repetition; prints the median CPU µs per
 * request and req/s of each. For before/after figures of a change: build the old tree's CLI to a file first.
 *   node bench/ab.mjs OLD_CLI.js NEW_CLI.js [--route openai|anthropic|anthropic-to-openai] [--reps 5] [--seconds 1.5] [--connections 64]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOnce } from './phases.mjs';
import { stop } from './proc.mjs';
import { prepareDataDir, startGateway, startUpstream, useCli } from './setup.mjs';
import { median } from './sse-client.mjs';

const { values, positionals: clis } = parseArgs({ allowPositionals: true, options: {
  route: { type: 'string' }, reps: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' },
} });
if (clis.length < 2) { process.stderr.write('usage: node bench/ab.mjs A_CLI.js B_CLI.js [more…] [--route R] [--reps N] [--seconds S] [--connections C]\n'); process.exit(2); }
const reps = Math.min(50, Number(values.reps ?? 5));
const seconds = Math.min(30, Number(values.seconds ?? 1.5));
const connections = Math.min(1024, Number(values.connections ?? 64));
const route = values.route ?? 'openai';

const upstream = await startUpstream();
const builds = [];
for (const cli of clis) {
  useCli(cli);
  const { dataDir, key } = prepareDataDir();
  builds.push({ cli, key, dataDir, gw: await startGateway(upstream.url, dataDir), cpu: [], rps: [] });
}
const prompt = 'Summarize the following in one sentence. ' + 'Switchboard routes requests from coding agents to upstream model providers. '.repeat(8);
const targetOf = (b) => (route === 'openai'
  ? { name: b.cli, url: `${b.gw.url}/v1/chat/completions`, headers: { authorization: `Bearer ${b.key}` }, body: { model: 'bench-oa', messages: [{ role: 'user', content: prompt }], max_tokens: 200 }, pid: b.gw.child.pid }
  : { name: b.cli, url: `${b.gw.url}/v1/messages`, headers: { 'x-api-key': b.key, 'anthropic-version': '2023-06-01' }, body: { model: route === 'anthropic' ? 'bench-an' : 'bench-oa', max_tokens: 200, messages: [{ role: 'user', content: prompt }] }, pid: b.gw.child.pid });
try {
  for (const b of builds) await loadOnce(targetOf(b), 16, 1, upstream.child.pid); // warm-up
  for (let rep = 0; rep < reps; rep++) {
    for (const b of rep % 2 ? [...builds].reverse() : builds) {
      const s = await loadOnce(targetOf(b), connections, seconds, upstream.child.pid);
      if (s.non2xx || s.errors) process.stdout.write(`  ${b.cli}: non2xx ${s.non2xx}, errors ${s.errors}\n`);
      b.cpu.push(s.proxyCpuUsPerReq);
      b.rps.push(s.reqPerSec);
    }
  }
  for (const b of builds) {
    process.stdout.write(`${b.cli}: CPU ${median(b.cpu).toFixed(0)} µs/request, ${median(b.rps).toFixed(0)} req/s (runs: ${b.cpu.map((x) => x.toFixed(0)).join(' ')})\n`);
  }
} finally {
  for (const b of builds) { await stop(b.gw.child); fs.rmSync(b.dataDir, { recursive: true, force: true }); }
  await stop(upstream.child);
}
