/** Writes answers: JSON bodies, and SSE streams frame by frame with back-pressure and keep-alives. */
import type { ServerResponse } from 'node:http';
import type { FramePump } from '../pipeline/relay';
import type { PipeControl } from '../pipeline/sse-source';

/** `application/json` as Koa labels JSON bodies, so every route answers alike. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Ends `res` with a whole body: a string or bytes written as they are, anything else as JSON. Headers already
 * set on `res` (routing, limits, CORS) go along.
 */
export function sendBody(res: ServerResponse, status: number, body: unknown, contentType = JSON_TYPE, headers?: Record<string, string>): void {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', typeof data === 'string' ? Buffer.byteLength(data) : data.length);
  res.end(data);
}

/** The keep-alive frame of each protocol family while an upstream is silent. */
export const KEEPALIVE_COMMENT = ': keep-alive\n\n';
/** Anthropic clients expect `ping` events. */
export const ANTHROPIC_PING = 'event: ping\ndata: {"type":"ping"}\n\n';

/** Options of one SSE response. */
export interface SseWriteOptions {
  /** More response headers, as name/value pairs (routing, limits). */
  headers?: readonly string[];
  keepAliveFrame: string;
  keepAliveMs: number;
  /** Overrides `text/event-stream` (Gemini's streamed JSON array). */
  contentType?: string;
  /** Called once, when the first frame is written. */
  onFirstWrite?(): void;
}

/** Whether a written chunk ends between two SSE events (a keep-alive may then be inserted). */
function endsAtBoundary(f: string | Buffer): boolean {
  if (typeof f === 'string') return f.endsWith('\n\n') || f.endsWith('\r\r') || f.endsWith('\r\n\r\n');
  const n = f.length;
  const last = f[n - 1];
  return n >= 2 && (last === 10 || last === 13) && f[n - 2] === last || (n >= 4 && last === 10 && f[n - 2] === 13 && f[n - 3] === 10 && f[n - 4] === 13);
}

/** How long a stream's headers may wait for its first frame before they are sent alone (ms). */
const HEADERS_WAIT_MS = 50;

/** One stream in progress, as the shared ticker sees it. */
interface LiveStream { res: ServerResponse; opts: SseWriteOptions; started: number; lastWrite: number; atBoundary: boolean; first: boolean }

/**
 * One timer for every open stream (not one per stream): it sends the headers of a stream whose first frame is slow
 * to come, and keep-alive frames on streams that have been silent for `keepAliveMs`.
 */
const live = new Set<LiveStream>();
let ticker: NodeJS.Timeout | undefined;
let tickMs = Infinity;

function tick(): void {
  const now = Date.now();
  for (const s of live) {
    if (s.res.destroyed) continue;
    if (!s.res.headersSent) { if (now - s.started >= HEADERS_WAIT_MS) s.res.flushHeaders(); continue; }
    if (s.atBoundary && !s.opts.contentType && now - s.lastWrite >= s.opts.keepAliveMs) { s.res.write(s.opts.keepAliveFrame); s.lastWrite = now; }
  }
}

function watch(s: LiveStream): void {
  live.add(s);
  // Often enough for the shortest keep-alive in use (tests use tens of ms; the default is 15 s).
  const period = Math.max(HEADERS_WAIT_MS, Math.min(1000, Math.floor(s.opts.keepAliveMs / 2)));
  if (ticker && period >= tickMs) return;
  if (ticker) clearInterval(ticker);
  tickMs = period;
  ticker = setInterval(tick, period);
}

function unwatch(s: LiveStream): void {
  live.delete(s);
  if (live.size === 0 && ticker) { clearInterval(ticker); ticker = undefined; tickMs = Infinity; }
}

/**
 * Streams `frames` to `res`. Each frame is written as soon as it is produced (never buffered); the headers go out
 * with the first frame (one write, not two), or alone after HEADERS_WAIT_MS if it is slow to come. While nothing
 * arrives for `keepAliveMs`, a keep-alive frame is written, but only between whole SSE events. Resolves when the
 * stream ended or the client went away (then the frames' generator is closed, which aborts upstream).
 */
export async function writeSse(res: ServerResponse, frames: AsyncGenerator<string | Buffer>, opts: SseWriteOptions): Promise<void> {
  const state = startSse(res, opts);
  try {
    for await (const frame of frames) {
      if (res.destroyed) break;
      if (!writeFrame(state, frame)) await drainedOrClosed(res);
    }
  } finally {
    endSse(state);
    await frames.return(undefined);
  }
}

/**
 * `writeSse` for a stream that pushes its frames (the identity relay's `pump`): each frame is written from the
 * upstream's own data callback, with no promise per frame; back-pressure pauses the upstream until `drain`. Resolves
 * when the stream ended or the client went away (then the pump is closed, which aborts upstream).
 */
export function pumpSse(res: ServerResponse, pump: FramePump, opts: SseWriteOptions): Promise<void> {
  const state = startSse(res, opts);
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let control: PipeControl | undefined;
    /** Marks the pump done and drops its listeners on `res`. */
    const detach = (): void => {
      done = true;
      res.off('drain', onDrain);
      res.off('close', onClose);
    };
    const finish = (): void => {
      if (done) return;
      detach();
      endSse(state);
      resolve();
    };
    const onDrain = (): void => { control?.resume(); };
    const onClose = (): void => { control?.close(); finish(); };
    res.on('drain', onDrain);
    res.on('close', onClose);
    try {
      control = pump({ write: (frame) => (done || res.destroyed ? true : writeFrame(state, frame)), end: finish });
    } catch (e) {
      // Not a clean end: the caller renders it (a stream already started is cut off, never ended as if complete).
      detach();
      unwatch(state);
      reject(e);
      return;
    }
    // Ended at once, or the client was already gone (its 'close' came before this listener): stop the upstream.
    if (done || res.destroyed) { control.close(); finish(); }
  });
}

function startSse(res: ServerResponse, opts: SseWriteOptions): LiveStream {
  // One writeHead with every header (those already set on `res`, e.g. by the browser guard, are sent along too).
  const head = ['content-type', opts.contentType ?? 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', 'x-accel-buffering', 'no'];
  if (opts.headers) head.push(...opts.headers);
  res.writeHead(200, head);
  const now = Date.now();
  const state: LiveStream = { res, opts, started: now, lastWrite: now, atBoundary: true, first: true };
  watch(state);
  return state;
}

/** Writes one frame; false when `res` wants a drain first. */
function writeFrame(state: LiveStream, frame: string | Buffer): boolean {
  if (state.first) { state.first = false; state.opts.onFirstWrite?.(); }
  state.atBoundary = endsAtBoundary(frame);
  state.lastWrite = Date.now();
  return state.res.write(frame);
}

function endSse(state: LiveStream): void {
  unwatch(state);
  if (!state.res.destroyed) state.res.end();
}

/** Resolves when `res` can take more, or is gone; leaves no listener behind (a slow client may wait thousands of times). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}
