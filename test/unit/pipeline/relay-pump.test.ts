import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GatewayError } from '../../../src/gateway/core/errors';
import { relaySse, type FrameSink, type RelayOptions } from '../../../src/gateway/pipeline/relay';
import { openSse } from '../../../src/gateway/pipeline/sse-source';
import { UpstreamBody } from '../../../src/gateway/transport/upstream';

/** A real transport body with hooks that record what the relay asked of the upstream. */
function body(): { body: UpstreamBody; resumed: number; aborted: unknown[] } {
  const probe = { resumed: 0, aborted: [] as unknown[], body: undefined as unknown as UpstreamBody };
  probe.body = new UpstreamBody(() => { probe.resumed++; }, (reason) => { probe.aborted.push(reason); }, () => {});
  return probe;
}

const options = (protocol: RelayOptions['protocol'], strip: boolean): RelayOptions => ({
  protocol, providerId: 'p', stripUsageChunk: strip, requireTerminal: true,
  toError: (e) => (GatewayError.is(e) ? e : new GatewayError('upstream', String(e), { code: 'stream_interrupted' })),
  errorFrame: (err) => ({ event: 'error', data: err.code ?? 'x' }),
});

/** A sink that keeps what it is given. */
function collector(answer: (n: number) => boolean = () => true): FrameSink & { parts: Buffer[]; ended: number } {
  const s = {
    parts: [] as Buffer[], ended: 0,
    write(f: string | Buffer) { s.parts.push(Buffer.isBuffer(f) ? f : Buffer.from(f)); return answer(s.parts.length); },
    end() { s.ended++; },
  };
  return s;
}

const openaiStream = (n: number, withUsage: boolean, done: boolean): string[] => {
  const out = Array.from({ length: n }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"t${i} ü"}}],"usage":null}\n\n`);
  if (withUsage) out.push(`data: {"choices":[],"usage":{"prompt_tokens":${n},"completion_tokens":${n + 1}}}\n\n`);
  if (done) out.push('data: [DONE]\n\n');
  return out;
};

const anthropicStream = (n: number, stop: boolean): string[] => {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const out = [ev('message_start', { message: { id: 'm', usage: { input_tokens: 7, output_tokens: 1 } } })];
  for (let i = 0; i < n; i++) out.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `w${i} ` } }));
  out.push(ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: n } }));
  if (stop) out.push(ev('message_stop', {}));
  return out;
};

const cut = (bytes: Buffer, at: number[]): Buffer[] => [0, ...at, bytes.length].slice(1).map((end, k, ends) => bytes.subarray(k ? ends[k - 1] : 0, end));
const cuts = (len: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 12 }).map((a) => a.filter((p) => p < len).sort((x, y) => x - y));

/** The chunks relayed by pull (the frames generator) and by push (the pump), each from its own real body. */
async function bothWays(protocol: RelayOptions['protocol'], chunks: Buffer[], strip: boolean) {
  const pulled = body();
  for (const c of chunks) pulled.body.push(c);
  pulled.body.end();
  const byPull = relaySse(await openSse(pulled.body), options(protocol, strip));
  const pullParts: Buffer[] = [];
  for await (const f of byPull.frames) pullParts.push(Buffer.isBuffer(f) ? f : Buffer.from(f));

  // Push: the first chunk is read to commit (as attemptUpstream does), the rest arrive after the pump started.
  const pushed = body();
  pushed.body.push(chunks[0]!);
  const opened = openSse(pushed.body);
  let k = 1;
  // The first event may need several chunks.
  while (k < chunks.length && !(await Promise.race([opened.then(() => true), Promise.resolve(false)]))) pushed.body.push(chunks[k++]!);
  if (k >= chunks.length) pushed.body.end();
  const byPush = relaySse(await opened, options(protocol, strip));
  assert.ok(byPush.pump, 'a transport body can push');
  const sink = collector();
  byPush.pump(sink);
  for (; k < chunks.length; k++) pushed.body.push(chunks[k]!);
  pushed.body.end();
  assert.equal(sink.ended, 1, 'ended once');
  return {
    pull: { text: Buffer.concat(pullParts).toString(), usage: byPull.usage(), failed: byPull.failed()?.code },
    push: { text: Buffer.concat(sink.parts).toString(), usage: byPush.usage(), failed: byPush.failed()?.code },
  };
}

describe('relaySse pump: the push path writes what the pull path yields', () => {
  it('OpenAI streams, usage chunk stripped or not, whole or cut short, under any chunking (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(), async (n, withUsage, done, strip, seed) => {
      const all = Buffer.from(openaiStream(n, withUsage, done).join(''));
      const points = fc.sample(cuts(all.length), { seed, numRuns: 1 })[0]!;
      const r = await bothWays('openai-chat', cut(all, points), strip);
      assert.deepEqual(r.push, r.pull);
      assert.equal(r.push.failed, done ? undefined : 'incomplete_stream');
      assert.deepEqual(r.push.usage, withUsage ? { inputTokens: n, outputTokens: n + 1, cachedInputTokens: 0, reasoningTokens: 0 } : undefined);
    }), { numRuns: 120 });
  });

  it('Anthropic streams under any chunking (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.nat(), async (n, stop, seed) => {
      const all = Buffer.from(anthropicStream(n, stop).join(''));
      const points = fc.sample(cuts(all.length), { seed, numRuns: 1 })[0]!;
      const r = await bothWays('anthropic-messages', cut(all, points), false);
      assert.deepEqual(r.push, r.pull);
      assert.equal(r.push.text.startsWith(all.toString()), true);
    }), { numRuns: 80 });
  });

  it('pauses the upstream while the caller is slow and resumes it on demand', async () => {
    const p = body();
    p.body.push(Buffer.from('data: {"choices":[]}\n\n'));
    const relayed = relaySse(await openSse(p.body), options('openai-chat', false));
    const sink = collector((n) => n !== 2); // the second write finds the caller's buffer full
    const control = relayed.pump!(sink);
    assert.equal(p.body.push(Buffer.from('data: {"choices":[{"delta":{}}]}\n\n')), false, 'undici is told to pause');
    assert.equal(p.resumed, 0);
    control.resume();
    assert.equal(p.resumed, 1, 'the upstream resumes');
    control.resume();
    assert.equal(p.resumed, 1, 'once');
    assert.equal(p.body.push(Buffer.from('data: [DONE]\n\n')), true);
    p.body.end();
    assert.equal(sink.parts.length, 3);
    assert.equal(sink.ended, 1);
    assert.equal(relayed.failed(), undefined);
  });

  it('keeps the order when the upstream resumes at once with more chunks, whatever the sink takes (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), async (n, every, early) => {
      // Events of ~2 KB, so the body's queue reaches its high-water mark and pauses the "upstream" before the pump starts.
      const events = Array.from({ length: n }, (_, i) => `data: {"choices":[{"delta":{"content":"${String(i).padStart(4, '0')}${'x'.repeat(2000)}"}}]}\n\n`);
      events.push('data: [DONE]\n\n');
      const pending = events.map((e) => Buffer.from(e));
      // Like undici's parser: resume() runs at once and delivers chunks until told to pause, then the end.
      let b: UpstreamBody | undefined;
      let paused = false;
      const feed = (): void => {
        paused = false;
        while (pending.length) if (!b!.push(pending.shift()!)) { paused = true; return; }
        b!.end();
      };
      b = new UpstreamBody(feed, undefined, () => {});
      for (let i = 0; i < early && pending.length; i++) if (!b.push(pending.shift()!)) { paused = true; break; }
      const relayed = relaySse(await openSse(b), options('openai-chat', false));
      const sink = collector((k) => k % every !== 0);
      const control = relayed.pump!(sink);
      if (!paused) feed(); // an upstream nobody paused goes on sending
      for (let guard = 0; sink.ended === 0 && guard < 1000; guard++) control.resume();
      assert.equal(sink.ended, 1);
      assert.equal(Buffer.concat(sink.parts).toString(), events.join(''), 'every chunk once, in order');
      assert.equal(relayed.failed(), undefined);
    }), { numRuns: 100 });
  });

  it("ends with an error frame when the stream breaks or the client's cancellation destroys it", async () => {
    for (const breakIt of [(b: UpstreamBody) => b.fail(new Error('socket hang up')), (b: UpstreamBody) => b.destroy(new Error('client gone'))]) {
      const p = body();
      p.body.push(Buffer.from('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":2}}}\n\n'));
      const relayed = relaySse(await openSse(p.body), options('anthropic-messages', false));
      const sink = collector();
      relayed.pump!(sink);
      breakIt(p.body);
      assert.equal(sink.ended, 1);
      assert.match(Buffer.concat(sink.parts).toString(), /event: error\ndata: stream_interrupted\n\n$/);
      assert.equal(relayed.failed()?.code, 'stream_interrupted');
      assert.equal(relayed.usage()?.inputTokens, 2, 'usage read before the break is kept');
    }
  });

  it('a body cancelled before the pump starts ends the pump with an error frame', async () => {
    const p = body();
    p.body.push(Buffer.from('data: {"choices":[]}\n\n'));
    const relayed = relaySse(await openSse(p.body), options('openai-chat', false));
    p.body.destroy(new Error('deadline'));
    const sink = collector();
    relayed.pump!(sink);
    assert.equal(sink.ended, 1);
    assert.equal(relayed.failed()?.code, 'stream_interrupted');
  });

  it('close() before the end aborts the upstream and writes nothing more', async () => {
    const p = body();
    p.body.push(Buffer.from('data: {"choices":[]}\n\n'));
    const relayed = relaySse(await openSse(p.body), options('openai-chat', false));
    const sink = collector();
    const control = relayed.pump!(sink);
    control.close();
    assert.equal(p.aborted.length, 1, 'the upstream request is aborted');
    p.body.push(Buffer.from('data: [DONE]\n\n'));
    p.body.end();
    assert.equal(sink.parts.length, 1);
    assert.equal(sink.ended, 0, 'the closer ends its own side');
    assert.equal(relayed.failed(), undefined);
  });

  it('a body that cannot push (a plain reader) has no pump', async () => {
    let i = 0;
    const chunks = [Buffer.from('data: 1\n\n')];
    const relayed = relaySse(await openSse({ read: async () => chunks[i++], destroy() {} }), options('openai-chat', false));
    assert.equal(relayed.pump, undefined);
  });
});
