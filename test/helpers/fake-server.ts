/**
 * A scriptable fake upstream on 127.0.0.1 (node:http, real sockets). Provider fakes (fake-openai.ts, …) build on it:
 * they decide replies; this logs every request it got, so tests can assert what reached the upstream.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake upstream received it. */
export interface LoggedRequest {
  method: string;
  /** Path with query string. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Raw body text. */
  rawBody: string;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** Set when the client went away before the reply finished. */
  aborted: boolean;
}

/** Handles one request; writes the reply itself. */
export type FakeHandler = (req: LoggedRequest, res: http.ServerResponse) => void | Promise<void>;

/** A running fake upstream. */
export interface FakeServer {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** Replaces the handler (scripts per test). */
  setHandler(h: FakeHandler): void;
  close(): Promise<void>;
}

/** Starts a fake upstream on an ephemeral loopback port. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  let current = handler;
  const requests: LoggedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try { body = rawBody ? JSON.parse(rawBody) : undefined; } catch { body = undefined; }
      const logged: LoggedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, rawBody, body, aborted: false };
      requests.push(logged);
      res.on('close', () => { if (!res.writableFinished) logged.aborted = true; });
      Promise.resolve(current(logged, res)).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(e) } }));
      });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setHandler(h) { current = h; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Writes an SSE response from pre-encoded frames, one write per frame. */
export function writeSse(res: http.ServerResponse, frames: string[], status = 200): void {
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const f of frames) res.write(f);
  res.end();
}

/** Writes a JSON response. */
export function writeJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
