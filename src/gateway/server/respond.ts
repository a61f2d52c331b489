/** Writes answers: JSON bodies, and SSE streams frame by frame with back-pressure and keep-alives. */
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';

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
  keepAliveFrame: string;
  keepAliveMs: number;
  /** Overrides `text/event-stream` (Gemini's streamed JSON array). */
  contentType?: string;
  /** Called once, when the first frame is written. */
  onFirstWrite?(): void;
}

const BOUNDARY = /(\n\n|\r\n\r\n|\r\r)$/;
/** Whether a written chunk ends between two SSE events (a keep-alive may then be inserted). */
const endsAtBoundary = (f: string | Buffer): boolean =>
  BOUNDARY.test(typeof f === 'string' ? f.slice(-4) : f.subarray(-4).toString('latin1'));

/**
 * Streams `frames` to `res`. Each frame is written as soon as it is produced (never buffered). While nothing
 * arrives for `keepAliveMs`, a keep-alive frame is written, but only between whole SSE events.
 * Resolves when the stream ended or the client went away (then the frames' generator is closed, which aborts upstream).
 */
export async function writeSse(res: ServerResponse, frames: AsyncGenerator<string | Buffer>, opts: SseWriteOptions): Promise<void> {
  // Headers already set on `res` (routing, limits) are sent along with these.
  res.writeHead(200, { 'content-type': opts.contentType ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  let lastWrite = Date.now();
  let atBoundary = true;
  let first = true;
  const timer = setInterval(() => {
    if (atBoundary && !opts.contentType && !res.destroyed && Date.now() - lastWrite >= opts.keepAliveMs) { res.write(opts.keepAliveFrame); lastWrite = Date.now(); }
  }, Math.max(50, Math.floor(opts.keepAliveMs / 2)));
  try {
    for await (const frame of frames) {
      if (res.destroyed) break;
      if (first) { first = false; opts.onFirstWrite?.(); }
      atBoundary = endsAtBoundary(frame);
      lastWrite = Date.now();
      if (!res.write(frame)) {
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    }
  } finally {
    clearInterval(timer);
    if (!res.destroyed) res.end();
    await frames.return(undefined);
  }
}
