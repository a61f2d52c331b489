/**
 * The bench's measurements. Every phase runs its targets interleaved (the order rotates each repetition) and
 * returns raw samples; report.mjs takes medians. A target is { name, url, headers, body, pid? } where pid is the
 * proxy process whose CPU and memory are read (none for direct).
 */
import autocannon from 'autocannon';
import { cpuMs, memMb, resetPeak, rssSampler } from './proc.mjs';
import { makeAgent, median, quantile, sequentialLatency, streamMany } from './sse-client.mjs';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU of `pids` over `fn()`, in ms per pid. */
async function withCpu(pids, fn) {
  const before = pids.map((p) => cpuMs(p));
  const result = await fn();
  return { result, cpu: pids.map((p, i) => cpuMs(p) - before[i]) };
}

/** One autocannon run of `target` at `connections` for `seconds`. */
export async function loadOnce(target, connections, seconds, upstreamPid) {
  const pids = [upstreamPid, ...(target.pid ? [target.pid] : [])];
  const t0 = nowMs();
  const { result, cpu } = await withCpu(pids, () => autocannon({
    url: target.url, method: 'POST', headers: { 'content-type': 'application/json', ...target.headers },
    body: JSON.stringify(target.body), connections, duration: seconds, timeout: 20,
  }));
  const elapsedS = (nowMs() - t0) / 1000;
  const total = result['2xx'] + result.non2xx;
  return {
    target: target.name, connections, reqPerSec: total / elapsedS, p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    upstreamCpuUsPerReq: total ? (cpu[0] * 1000) / total : NaN,
    proxyCpuUsPerReq: target.pid && total ? (cpu[1] * 1000) / total : null,
  };
}

/** Non-streaming load at each concurrency, all targets interleaved, `reps` times. */
export async function nonStreaming(targets, { concurrencies, seconds, reps, upstreamPid, log }) {
  const samples = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const c of concurrencies) {
      for (const t of rotate(targets, rep)) {
        const s = await loadOnce(t, c, seconds, upstreamPid);
        log(`  rep ${rep + 1} c=${c} ${t.name}: ${s.reqPerSec.toFixed(0)} req/s p50 ${s.p50Ms} ms${s.proxyCpuUsPerReq != null ? ` cpu ${s.proxyCpuUsPerReq.toFixed(0)} µs/req` : ''}${s.non2xx || s.errors ? ` (non2xx ${s.non2xx}, errors ${s.errors})` : ''}`);
        samples.push({ rep, ...s });
      }
    }
  }
  return samples;
}

/** Warms each target (JIT, connection pools) with a short load. */
export async function warmUp(targets, seconds, upstreamPid) {
  for (const t of targets) await loadOnce(t, 16, seconds, upstreamPid);
}

/**
 * Untimed short streams (`per` at a time) through each target for `seconds`, before a streaming phase. Why: the load
 * phases before it train V8 on JSON answers only, and the first streams after them deoptimize ~15–25 functions of
 * node:http and undici in every proxy (`--trace-deopt`), which then run unoptimized until they re-tier: a phase
 * measured straight after a different workload measures that transition, not streaming. The c=1 phase likewise
 * starts with untimed requests. Runs whatever stream shape the upstream is set to.
 */
export async function warmStreams(targets, { seconds, per = 4 }) {
  const agent = makeAgent(Math.max(4, per));
  for (const t of targets) {
    const until = nowMs() + seconds * 1000;
    while (nowMs() < until) await streamMany(per, { url: t.url, headers: t.headers, body: { ...t.body, stream: true }, agent, timeoutMs: 30_000 });
  }
  agent.destroy();
}

/** Sequential requests (c=1) timed in microseconds, interleaved, `reps` times. */
export async function latencyC1(targets, { n, reps, log }) {
  const samples = [];
  const agent = makeAgent(1);
  for (let rep = 0; rep < reps; rep++) {
    for (const t of rotate(targets, rep)) {
      const lat = await sequentialLatency({ url: t.url, headers: t.headers, body: t.body, agent, n, warmup: Math.min(50, n) });
      const s = { rep, target: t.name, n: lat.length, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99) };
      log(`  rep ${rep + 1} ${t.name}: p50 ${s.p50Ms.toFixed(3)} ms p99 ${s.p99Ms.toFixed(3)} ms`);
      samples.push(s);
    }
  }
  agent.destroy();
  return samples;
}

/** Summarizes a set of stream results: completion, first/last byte quantiles, and buffering evidence. */
export function summarizeStreams(results, chunks, delayMs) {
  const ok = results.filter((r) => r.ok);
  const first = ok.map((r) => r.firstByteMs).sort((a, b) => a - b);
  const last = ok.map((r) => r.lastByteMs).sort((a, b) => a - b);
  const expectedSpan = Math.max(1, chunks * delayMs);
  const writes = chunks + 1; // the upstream's last write carries the finish frames
  return {
    count: results.length, completed: ok.length,
    firstByteP50Ms: quantile(first, 0.5), firstByteP99Ms: quantile(first, 0.99),
    lastByteP50Ms: quantile(last, 0.5), lastByteP99Ms: quantile(last, 0.99),
    // Unbuffered: the client sees (nearly) one read per upstream chunk, spread over the upstream's own timeline.
    readsPerChunk: median(ok.map((r) => r.reads / writes)),
    spreadRatio: median(ok.map((r) => (r.lastByteMs - r.firstByteMs) / expectedSpan)),
    errors: results.filter((r) => !r.ok).slice(0, 3).map((r) => r.error ?? `status ${r.status}`),
  };
}

/**
 * `perSample` concurrent streams per target, `rounds` times per repetition (first-byte times on this kind of
 * machine swing by milliseconds from one round to the next, so one round of 4 is not a sample), targets
 * interleaved round by round, `reps` times.
 */
export async function streaming(targets, { perSample, rounds = 1, reps, chunks, delayMs, log }) {
  const samples = [];
  const agent = makeAgent(Math.max(4, perSample));
  for (let rep = 0; rep < reps; rep++) {
    const results = new Map(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const t of rotate(targets, rep + round)) {
        results.get(t.name).push(...await streamMany(perSample, { url: t.url, headers: t.headers, body: { ...t.body, stream: true }, agent, timeoutMs: 30_000 + chunks * delayMs }));
      }
    }
    for (const t of targets) {
      const s = { rep, target: t.name, ...summarizeStreams(results.get(t.name), chunks, delayMs) };
      log(`  rep ${rep + 1} ${t.name}: first byte ${s.firstByteP50Ms.toFixed(2)} ms, last byte ${s.lastByteP50Ms.toFixed(1)} ms, reads/chunk ${s.readsPerChunk.toFixed(2)}${s.completed < s.count ? ` (${s.count - s.completed} failed: ${s.errors.join('; ')})` : ''}`);
      samples.push(s);
    }
  }
  agent.destroy();
  return samples;
}

/** `count` streams at once per target (fresh connections), with the proxy's peak RSS and CPU. */
export async function manyStreams(targets, { count, reps, chunks, delayMs, log }) {
  const samples = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const t of rotate(targets, rep)) {
      const agent = makeAgent(count + 16);
      let sampler;
      if (t.pid) { resetPeak(t.pid); sampler = rssSampler(t.pid, 50); }
      const cpu0 = t.pid ? cpuMs(t.pid) : 0;
      const results = await streamMany(count, { url: t.url, headers: t.headers, body: { ...t.body, stream: true }, agent, timeoutMs: 60_000 + chunks * delayMs });
      const peak = sampler ? Math.max(sampler.stop(), memMb(t.pid).hwm) : null;
      const s = { rep, target: t.name, ...summarizeStreams(results, chunks, delayMs), peakRssMb: peak, proxyCpuMs: t.pid ? cpuMs(t.pid) - cpu0 : null };
      log(`  rep ${rep + 1} ${t.name}: ${s.completed}/${s.count} complete, first byte p50 ${s.firstByteP50Ms.toFixed(1)} p99 ${s.firstByteP99Ms.toFixed(1)} ms${peak != null ? `, peak RSS ${peak.toFixed(0)} MB` : ''}${s.errors.length ? ` errors: ${s.errors.join('; ')}` : ''}`);
      samples.push(s);
      agent.destroy();
      await sleep(300);
    }
  }
  return samples;
}
