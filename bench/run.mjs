/**
 * `npm run bench`: the gateway side by side with a bare reference proxy and the upstream itself (direct), all on
 * 127.0.0.1, interleaved and repeated, medians reported. Prints one table and the target verdicts; writes JSON.
 *
 * Flags: --quick (shorter), --smoke (seconds; for the test suite: checks it runs, not speed), --out FILE,
 * --profile DIR (gateway runs with --cpu-prof, profile written to DIR on exit), --cli FILE (another gateway
 * build, e.g. a patched one for before/after figures), --no-pin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFigures } from './bundles.mjs';
import { latencyC1, manyStreams, nonStreaming, streaming, warmStreams, warmUp, loadOnce } from './phases.mjs';
import { hasTaskset, openFileLimit, pin, stop } from './proc.mjs';
import { figures, table, targetLines, targets } from './report.mjs';
import { CLI, CORES, ROOT, useCli, coldStarts, configureUpstream, prepareDataDir, startGateway, startReference, startUpstream } from './setup.mjs';

const { values: flags } = parseArgs({ options: {
  quick: { type: 'boolean' }, smoke: { type: 'boolean' }, out: { type: 'string' }, profile: { type: 'string' }, cli: { type: 'string' }, 'no-pin': { type: 'boolean' },
} });

const MODES = {
  full: { reps: 3, seconds: 2, warmupSeconds: 1, streamWarmupSeconds: 2, concurrencies: [1, 16, 64, 256], latencyN: 2000, perSample: 4, streamRounds: 5, chunks: 50, delayMs: 20,
    manyCount: 1000, manyChunks: 50, manyDelayMs: 200, manyReps: 3, startupReps: 3, settleMs: 1000, loadReps: 3 },
  quick: { reps: 3, seconds: 0.7, warmupSeconds: 0.5, streamWarmupSeconds: 1, concurrencies: [1, 16, 64, 256], latencyN: 500, perSample: 4, streamRounds: 3, chunks: 50, delayMs: 20,
    manyCount: 1000, manyChunks: 16, manyDelayMs: 200, manyReps: 1, startupReps: 3, settleMs: 500, loadReps: 2 },
  smoke: { reps: 1, seconds: 0.25, warmupSeconds: 0.2, streamWarmupSeconds: 0.1, concurrencies: [1, 16, 64, 256], latencyN: 30, perSample: 2, streamRounds: 1, chunks: 5, delayMs: 5,
    manyCount: 20, manyChunks: 5, manyDelayMs: 20, manyReps: 1, startupReps: 1, settleMs: 100, loadReps: 1 },
};
const mode = flags.smoke ? 'smoke' : flags.quick ? 'quick' : 'full';
const opts = MODES[mode];
const t0 = Date.now();
const log = (line) => process.stdout.write(line.startsWith('  ') || line.startsWith('\n') ? line + '\n' : `[${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);

if (flags.cli) useCli(flags.cli);
if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs --only cli` first (npm run bench does)');
const fdLimit = openFileLimit();
// Each stream holds ~4 descriptors across the processes, but at most 2 in any one of them.
if (fdLimit < opts.manyCount * 2 + 256) {
  opts.manyCount = Math.max(10, Math.floor((fdLimit - 256) / 2));
  log(`note: ulimit -n is ${fdLimit}; running ${opts.manyCount} concurrent streams instead (raise it with \`ulimit -n 8192\`)`);
}
const pinned = hasTaskset && !flags['no-pin'];
if (!pinned) CORES.proxy = CORES.client = CORES.upstream = undefined;
if (pinned) pin(process.pid, CORES.client);
log(`Switchboard bench (${mode}): node ${process.version}, ${os.cpus().length} cores, ${pinned ? 'client+upstream pinned to core 0, proxy to core 1' : 'no core pinning (taskset missing or --no-pin)'}, ulimit -n ${fdLimit}`);

const children = [];
const cleanup = async () => { await Promise.all(children.map((c) => stop(c))); };
process.on('SIGINT', () => { void cleanup().finally(() => process.exit(130)); });

async function main() {
  const started = Date.now();
  const upstream = await startUpstream();
  children.push(upstream.child);
  const { dataDir, key } = prepareDataDir();

  log('start-up (cold starts, idle RSS)…');
  const startup = {
    reference: await coldStarts(() => startReference(upstream.url), opts.startupReps, opts.settleMs),
    gateway: await coldStarts(() => startGateway(upstream.url, dataDir), opts.startupReps, opts.settleMs),
  };
  const ref = await startReference(upstream.url);
  children.push(ref.child);
  const nodeArgs = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags.profile)}`] : [];
  const gw = await startGateway(upstream.url, dataDir, nodeArgs);
  children.push(gw.child);

  const oaHeaders = { authorization: `Bearer ${key}` };
  const anHeaders = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  const prompt = 'Summarize the following in one sentence. ' + 'Switchboard routes requests from coding agents to upstream model providers. '.repeat(8);
  const oaBody = (model) => ({ model, messages: [{ role: 'system', content: 'You are a concise assistant.' }, { role: 'user', content: prompt }], max_tokens: 200, temperature: 0.2 });
  const anBody = (model) => ({ model, max_tokens: 200, system: 'You are a concise assistant.', messages: [{ role: 'user', content: prompt }], temperature: 0.2 });
  const T = {
    direct: { name: 'direct', url: `${upstream.url}/v1/chat/completions`, headers: oaHeaders, body: oaBody('gpt-bench') },
    reference: { name: 'reference', url: `${ref.url}/v1/chat/completions`, headers: oaHeaders, body: oaBody('gpt-bench'), pid: ref.child.pid },
    gateway: { name: 'gateway', url: `${gw.url}/v1/chat/completions`, headers: oaHeaders, body: oaBody('bench-oa'), pid: gw.child.pid },
  };
  const routes = [
    { ...T.reference, name: 'ref-openai' },
    { ...T.gateway, name: 'gw-openai' },
    { name: 'ref-anthropic', url: `${ref.url}/v1/messages`, headers: anHeaders, body: anBody('claude-bench'), pid: ref.child.pid },
    { name: 'gw-anthropic', url: `${gw.url}/v1/messages`, headers: anHeaders, body: anBody('bench-an'), pid: gw.child.pid },
    { name: 'gw-anthropic-to-openai', url: `${gw.url}/v1/messages`, headers: anHeaders, body: anBody('bench-oa'), pid: gw.child.pid },
    { name: 'gw-openai-to-anthropic', url: `${gw.url}/v1/chat/completions`, headers: oaHeaders, body: oaBody('bench-an'), pid: gw.child.pid },
  ];
  const three = [T.direct, T.reference, T.gateway];
  const upstreamPid = upstream.child.pid;

  // Sanity: every route answers 200 before anything is timed.
  for (const r of [...three, ...routes]) {
    const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: JSON.stringify(r.body) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${r.name} answered ${res.status}: ${text.slice(0, 500)}`);
  }

  log('warm-up…');
  await warmUp([...three, ...routes.slice(2)], opts.warmupSeconds, upstreamPid);
  log('non-streaming pass-through…');
  const nonStream = await nonStreaming(three, { concurrencies: opts.concurrencies, seconds: opts.seconds, reps: opts.reps, upstreamPid, log });
  log('c=1 latency (own client)…');
  const lat = await latencyC1(three, { n: opts.latencyN, reps: opts.reps, log });
  log('routes, c=64…');
  const routeLoad = [];
  for (let rep = 0; rep < opts.loadReps; rep++) {
    for (const r of routes.map((_, i) => routes[(i + rep) % routes.length])) {
      const s = await loadOnce(r, 64, opts.seconds, upstreamPid);
      log(`  rep ${rep + 1} ${r.name}: ${s.reqPerSec.toFixed(0)} req/s cpu ${s.proxyCpuUsPerReq?.toFixed(0)} µs/req${s.non2xx || s.errors ? ` (non2xx ${s.non2xx}, errors ${s.errors})` : ''}`);
      routeLoad.push({ rep, ...s });
    }
  }
  log('stream warm-up (untimed short streams)…');
  await configureUpstream(upstream.url, { chunks: 2, delayMs: 1 });
  await warmStreams([...three, ...routes.slice(2)], { seconds: opts.streamWarmupSeconds, per: opts.perSample });
  await configureUpstream(upstream.url, { chunks: opts.chunks, delayMs: opts.delayMs });
  log(`streaming (${opts.chunks} × ${opts.delayMs} ms)…`);
  const stream = await streaming(three, { perSample: opts.perSample, rounds: opts.streamRounds, reps: opts.reps, chunks: opts.chunks, delayMs: opts.delayMs, log });
  log('routes, streamed…');
  const routeStream = await streaming(routes, { perSample: opts.perSample, rounds: opts.streamRounds, reps: opts.loadReps, chunks: opts.chunks, delayMs: opts.delayMs, log });
  await configureUpstream(upstream.url, { chunks: opts.manyChunks, delayMs: opts.manyDelayMs });
  log(`${opts.manyCount} concurrent streams…`);
  const many = await manyStreams(three, { count: opts.manyCount, reps: opts.manyReps, chunks: opts.manyChunks, delayMs: opts.manyDelayMs, log });
  log('bundles…');
  const bundles = await bundleFigures(mode === 'smoke' ? 1 : 3);

  await cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const raw = { startup, nonStreaming: nonStream, latencyC1: lat, streaming: stream, routes: { load: routeLoad, stream: routeStream }, manyStreams: many, bundles };
  const f = figures(raw, opts);
  const verdicts = targets(f, opts);
  log('\n' + table(f, opts) + '\n');
  log('\n' + targetLines(verdicts));
  const out = path.resolve(flags.out ?? path.join(ROOT, 'bench', 'results', `bench-${mode}.json`));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const meta = { mode, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, pinned, fdLimit, cli: CLI, options: opts, durationS: (Date.now() - started) / 1000, profiled: Boolean(flags.profile) };
  fs.writeFileSync(out, JSON.stringify({ meta, figures: f, targets: verdicts, raw }, null, 2));
  log(`\nwrote ${out} (${meta.durationS.toFixed(0)} s)`);
}

main().catch(async (e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  await cleanup();
  process.exit(1);
});
