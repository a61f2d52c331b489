import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pumpSse, type SseWriteOptions } from '../../../src/gateway/server/respond';
import type { FramePump } from '../../../src/gateway/pipeline/relay';

const OPTIONS: SseWriteOptions = { keepAliveFrame: ': keep-alive\n\n', keepAliveMs: 15_000 };

/** Serves one request with `pumpSse(pump)`; resolves to what the client read and how pumpSse settled. */
async function serveOnce(pump: FramePump): Promise<{ text: string; complete: boolean; settled: 'resolved' | Error; listenersLeft: number }> {
  let settled!: Promise<'resolved' | Error>;
  let listenersLeft = -1;
  const server = http.createServer((_req, res) => {
    const before = res.listenerCount('drain') + res.listenerCount('close');
    const count = (): number => res.listenerCount('drain') + res.listenerCount('close') - before;
    settled = pumpSse(res, pump, OPTIONS).then(() => { listenersLeft = count(); return 'resolved' as const; }, (e: Error) => { listenersLeft = count(); res.destroy(); return e; });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const read = await new Promise<{ text: string; complete: boolean }>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ text, complete: res.complete }));
        res.on('error', () => resolve({ text, complete: false }));
        res.on('aborted', () => resolve({ text, complete: false }));
      }).on('error', () => resolve({ text: '', complete: false }));
    });
    const outcome = await settled;
    return { ...read, settled: outcome, listenersLeft };
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('pumpSse', () => {
  it('writes what the pump pushes and ends the response when it ends', async () => {
    const r = await serveOnce((sink) => {
      sink.write('data: 1\n\n');
      setTimeout(() => { sink.write(Buffer.from('data: 2\n\n')); sink.end(); }, 5);
      return { resume() {}, close() {} };
    });
    assert.equal(r.settled, 'resolved');
    assert.equal(r.text, 'data: 1\n\ndata: 2\n\n');
    assert.equal(r.complete, true);
    assert.equal(r.listenersLeft, 0, 'no listener left on the response');
  });

  it('rejects when the pump throws, and the stream is cut off rather than ended as if complete', async () => {
    const r = await serveOnce((sink) => { sink.write('data: 1\n\n'); throw new Error('boom'); });
    assert.ok(r.settled instanceof Error && r.settled.message === 'boom');
    assert.equal(r.complete, false);
    assert.equal(r.listenersLeft, 0, 'no listener left on the response');
  });
});
