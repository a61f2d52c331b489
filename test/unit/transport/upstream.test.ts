import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { Cancellation } from '../../../src/gateway/core/cancel';
import { GatewayError } from '../../../src/gateway/core/errors';
import { sendUpstreamReply, UpstreamBody, type UpstreamRequest } from '../../../src/gateway/transport/upstream';

/** A local upstream whose handler each test sets; `closed` resolves when a request's socket closes. */
function upstream(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

describe('transport: sendUpstreamReply', () => {
  const dispatcher = new Agent();
  after(() => dispatcher.close());
  const request = (url: string, signal = new Cancellation(), path?: string): UpstreamRequest => ({
    url, path, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', dispatcher, signal,
    firstByteMs: 5000, idleMs: 5000, providerId: 'p',
  });

  it('collects a JSON answer whole, and joins a base URL and a path', async () => {
    const up = await upstream((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ path: req.url })); });
    try {
      const reply = await sendUpstreamReply(request(`${up.url}/v1`, undefined, '/chat/completions'));
      assert.equal(reply.statusCode, 200);
      assert.deepEqual(JSON.parse(reply.whole!.toString()), { path: '/v1/chat/completions' });
    } finally { await up.close(); }
  });

  it('streams an SSE answer chunk by chunk, with backpressure, to the end', async () => {
    const chunk = `data: ${'x'.repeat(8000)}\n\n`;
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 50; i++) res.write(chunk);
      res.end('data: [DONE]\n\n');
    });
    try {
      const reply = await sendUpstreamReply(request(up.url));
      assert.ok(reply.body instanceof UpstreamBody);
      await new Promise((r) => setTimeout(r, 50)); // let the queue fill past its high-water mark
      let text = '';
      for await (const c of reply.body) text += c.toString();
      assert.equal(text, chunk.repeat(50) + 'data: [DONE]\n\n');
      assert.equal(await reply.body.read(), undefined);
    } finally { await up.close(); }
  });

  it('aborts the upstream when the reader stops early or the client cancels', async () => {
    let closes = 0;
    const up = await upstream((req, res) => {
      res.on('close', () => { closes++; });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    try {
      const early = await sendUpstreamReply(request(up.url));
      for await (const _ of early.body!) break;
      const signal = new Cancellation();
      const cancelled = await sendUpstreamReply(request(up.url, signal));
      assert.equal((await cancelled.body!.read())!.toString(), 'data: 1\n\n');
      const pending = cancelled.body!.read();
      signal.abort();
      await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(closes, 2);
      // Cancelled before sending: a GatewayError, nothing sent.
      await assert.rejects(sendUpstreamReply(request(up.url, signal)), (e: unknown) => GatewayError.is(e) && e.kind === 'cancelled');
    } finally { await up.close(); }
  });

  it('fails the next read when the upstream breaks mid-stream, after what it sent', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
    });
    try {
      const reply = await sendUpstreamReply(request(up.url));
      assert.equal((await reply.body!.read())!.toString(), 'data: 1\n\n');
      await assert.rejects(reply.body!.read());
    } finally { await up.close(); }
  });

  it('ends reads quietly after destroy(): a pending read and later reads get undefined, not an abort error', async () => {
    let aborted: Error | undefined;
    const body = new UpstreamBody(() => {}, (reason) => { aborted = reason; body.fail(reason ?? new Error('aborted')); }, () => {});
    const pending = body.read();
    body.destroy();
    assert.equal(await pending, undefined);
    assert.equal(await body.read(), undefined);
    assert.ok(aborted, 'the upstream request was aborted');
  });

  it('keeps its queue bounded when a slow reader never lets it empty', async () => {
    const body = new UpstreamBody(() => {}, undefined, () => {});
    const slots = (): number => (body as unknown as { queue: unknown[] }).queue.length;
    let longest = 0;
    for (let i = 0; i < 20_000; i++) {
      body.push(Buffer.alloc(100));
      if (i >= 16) assert.equal((await body.read())!.length, 100); // always 16 chunks behind: never empty
      longest = Math.max(longest, slots());
    }
    assert.ok(longest < 4096, `queue array grew to ${longest} slots`);
  });
});
