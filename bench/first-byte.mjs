/**
 * Stream first byte, interleaved, with more rounds than the full bench: direct, the reference and one or more
 * gateway builds (each optionally with node flags), after the same c=64 load, in rounds of 4 concurrent streams
 * (50 chunks × 20 ms) taken target by target, the order rotating every round. Prints each target's p50 over all its
 * streams, minus direct, and the median of its rounds' p50s. For before/after figures of stream set-up changes:
 *   node bench/first-byte.mjs [--rounds 16] [--per 4] BUILD…     BUILD = name=path/to/cli.js[:node flags]
 * e.g. node bench/first-byte.mjs before=/tmp/old-cli.js after=dist/cli.js "nomr=dist/cli.js:--no-memory-reducer"
 */
import { parseArgs } from 'node:util';
import { loadOnce, warmStreams } from './phases.mjs';
import { pin, stop } from './proc.mjs';
import { CORES, configureUpstream, prepareDataDir, startGateway, startReference, startUpstream, useCli } from './setup.mjs';
import { makeAgent, median, streamMany } from './sse-client.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, per: { type: 'string' } } });
const rounds = Math.min(100, Number(values.rounds ?? 16));
const per = Math.min(16, Number(values.per ?? 4));
const builds = (positionals.length ? positionals : ['gateway=dist/cli.js']).map((b) => {
  const [name, rest = ''] = b.split(/=(.*)/s);
  const [cli, flags = ''] = rest.split(/:(.*)/s);
  return { name: name ?? 'gateway', cli: cli || 'dist/cli.js', flags: flags.split(' ').filter(Boolean) };
});

pin(process.pid, CORES.client);
const up = await startUpstream();
const ref = await startReference(up.url);
const children = [up.child, ref.child];
try {
  const prompt = 'Summarize the following in one sentence. ' + 'Switchboard routes requests from coding agents to upstream model providers. '.repeat(8);
  const body = (model) => ({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 200 });
  const targets = [
    { name: 'direct', url: `${up.url}/v1/chat/completions`, headers: {}, body: body('gpt-bench') },
    { name: 'reference', url: `${ref.url}/v1/chat/completions`, headers: {}, body: body('gpt-bench'), pid: ref.child.pid },
  ];
  for (const b of builds) {
    useCli(b.cli);
    const { dataDir, key } = prepareDataDir();
    const gw = await startGateway(up.url, dataDir, b.flags);
    children.push(gw.child);
    targets.push({ name: b.name, url: `${gw.url}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: body('bench-oa'), pid: gw.child.pid });
  }
  for (const t of targets.slice(1)) await loadOnce(t, 64, 2, up.child.pid);
  // As the bench does (phase 5): short streams first, so no proxy measures its deoptimization after the JSON load.
  await configureUpstream(up.url, { chunks: 2, delayMs: 20 });
  await warmStreams(targets, { seconds: 2 });
  await configureUpstream(up.url, { chunks: 50, delayMs: 20 });
  const agent = makeAgent(Math.max(8, per));
  for (const t of targets) { t.all = []; t.rounds = []; }
  for (let r = 0; r < rounds; r++) {
    for (const t of targets.map((_, i) => targets[(i + r) % targets.length])) {
      const rs = await streamMany(per, { url: t.url, headers: t.headers, body: { ...t.body, stream: true }, agent, timeoutMs: 30_000 });
      const fb = rs.map((x) => x.firstByteMs);
      t.all.push(...fb);
      t.rounds.push(median(fb));
    }
  }
  agent.destroy();
  const direct = median(targets[0].all);
  for (const t of targets) {
    process.stdout.write(`${t.name.padEnd(16)} first byte p50 ${median(t.all).toFixed(2)} ms, over direct ${(median(t.all) - direct).toFixed(2)} ms, median of round p50s ${median(t.rounds).toFixed(2)} ms\n`);
  }
} finally {
  for (const c of children) await stop(c);
}
