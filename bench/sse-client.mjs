/**
 * The bench's own HTTP clients (node:http, keep-alive): an SSE client that timestamps every read, for first-byte,
 * last-byte and buffering figures, and a sequential request loop timed in microseconds (autocannon's latency
 * histogram has 1 ms resolution, too coarse for the c=1 overhead target).
 */
import http from 'node:http';

/** A keep-alive agent with room for `max` sockets. */
export function makeAgent(max = 64) {
  return new http.Agent({ keepAlive: true, maxSockets: max, maxFreeSockets: max });
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * POSTs `body` to `url` and reads the SSE answer. Resolves (never rejects) to
 * { ok, status, firstByteMs, lastByteMs, frames, reads, readTimes, bytes, error? }; times are from the call.
 */
export function streamOnce({ url, headers, body, agent, timeoutMs = 60_000 }) {
  return new Promise((resolve) => {
    const t0 = nowMs();
    const data = Buffer.from(JSON.stringify(body));
    const r = { ok: false, status: 0, firstByteMs: NaN, lastByteMs: NaN, frames: 0, reads: 0, readTimes: [], bytes: 0 };
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) r.error = String(error.message ?? error);
      resolve(r);
    };
    const timer = setTimeout(() => { req.destroy(new Error('stream timed out')); }, timeoutMs);
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } }, (res) => {
      r.status = res.statusCode ?? 0;
      let lastWasLf = false;
      res.on('data', (chunk) => {
        const t = nowMs() - t0;
        if (r.reads === 0) r.firstByteMs = t;
        r.reads++;
        r.readTimes.push(t);
        r.bytes += chunk.length;
        // Frames end with a blank line; count "\n\n" even when it straddles two reads.
        let i = 0;
        if (lastWasLf && chunk[0] === 10) r.frames++;
        while ((i = chunk.indexOf('\n\n', i)) !== -1) { r.frames++; i += 2; }
        lastWasLf = chunk[chunk.length - 1] === 10 && chunk[chunk.length - 2] !== 10;
      });
      res.on('end', () => { r.lastByteMs = nowMs() - t0; r.ok = r.status === 200 && r.reads > 0; finish(); });
      res.on('error', finish);
      res.on('aborted', () => finish(new Error('aborted')));
    });
    req.on('error', finish);
    req.end(data);
  });
}

/** Runs `n` streams at once; resolves to their results. */
export function streamMany(n, opts) {
  return Promise.all(Array.from({ length: n }, () => streamOnce(opts)));
}

/** Sends `n` requests one after another (after `warmup` untimed ones); resolves to latencies in ms, sorted. */
export async function sequentialLatency({ url, headers, body, agent, n, warmup = 50, maxMs = 30_000 }) {
  const data = Buffer.from(JSON.stringify(body));
  const once = () => new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
  for (let i = 0; i < warmup; i++) await once();
  const out = [];
  const deadline = nowMs() + maxMs;
  for (let i = 0; i < n && nowMs() < deadline; i++) {
    const t = nowMs();
    await once();
    out.push(nowMs() - t);
  }
  return out.sort((a, b) => a - b);
}

/** The q-quantile (0..1) of a sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The median of numbers (NaN for none). */
export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}
