import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GatewayError } from '../../../src/gateway/core/errors';
import { relaySse } from '../../../src/gateway/pipeline/relay';
import { openSse, Utf8Text, type ChunkSource } from '../../../src/gateway/pipeline/sse-source';
import { encodeSse } from '../../../src/gateway/sse/encode';

function source(chunks: Buffer[]): ChunkSource & { destroyed: boolean } {
  let i = 0;
  return {
    destroyed: false,
    read: async () => chunks[i++],
    destroy() { this.destroyed = true; },
  };
}

/** Cuts `bytes` at the given offsets. */
const cut = (bytes: Buffer, at: number[]): Buffer[] => [0, ...at, bytes.length].slice(1).map((end, k, ends) => bytes.subarray(k ? ends[k - 1] : 0, end));

describe('sse-source', () => {
  it('decodes UTF-8 across chunks exactly as a streaming TextDecoder does', () => {
    let seed = 3;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const samples = [
      Buffer.from('\ufeffdata: café 😀 ünïcödé\n\n'), Buffer.from('data: plain ascii\n\n'), Buffer.from('\ufeff\ufeffx'),
      Buffer.concat([Buffer.from('data: '), Buffer.from([0xe2, 0x82, 0xff, 0xc3]), Buffer.from('é\n\n'), Buffer.from([0xf0, 0x9f])]),
    ];
    for (const bytes of samples) {
      for (let n = 0; n < 300; n++) {
        const points = [...new Set(Array.from({ length: rnd(5) }, () => rnd(bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = cut(bytes, points);
        const ours = new Utf8Text();
        const theirs = new TextDecoder();
        let a = '';
        let b = '';
        for (const c of chunks) { a += ours.decode(c); b += theirs.decode(c, { stream: true }); }
        a += ours.end();
        b += theirs.decode();
        assert.equal(a, b, `${bytes.toString('hex')} cut at ${points.join(',')}`);
      }
    }
  });

  it('gives out the chunks read before the first event, then the rest; leaving early closes the body', async () => {
    const body = source([Buffer.from(': hi\n\n'), Buffer.from('data: 1\n\nda'), Buffer.from('ta: 2\n\n'), Buffer.from('data: 3')]);
    const sse = await openSse(body);
    assert.equal(sse.first?.data, '1');
    assert.equal(sse.first?.event, undefined);
    const events: string[] = [];
    for await (const c of sse.chunks) events.push(...c.events.map((e) => e.data));
    assert.deepEqual(events, ['1', '2', '3']);
    assert.equal(body.destroyed, false);
    const early = source([Buffer.from('data: 1\n\n'), Buffer.from('data: 2\n\n')]);
    for await (const _ of (await openSse(early)).chunks) break;
    assert.equal(early.destroyed, true);
  });
});

describe('relaySse without the usage chunk the caller did not ask for', () => {
  const frames = (n: number): string[] => {
    const out = Array.from({ length: n }, (_, i) => `data: {"choices":[{"delta":{"content":"t${i} é"}}]}\n\n`);
    out.push('data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n', 'data: [DONE]\n\n');
    return out;
  };
  const relay = async (chunks: Buffer[]): Promise<{ text: string; raw: number }> => {
    const r = relaySse(await openSse(source(chunks)), {
      protocol: 'openai-chat', providerId: 'p', stripUsageChunk: true, requireTerminal: true,
      toError: (e) => (GatewayError.is(e) ? e : new GatewayError('upstream', String(e))), errorFrame: () => ({ data: 'error' }),
    });
    let text = '';
    let raw = 0;
    for await (const f of r.frames) { if (Buffer.isBuffer(f)) raw++; text += f.toString(); }
    assert.deepEqual(r.usage(), { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0 });
    assert.equal(r.failed(), undefined);
    return { text, raw };
  };
  const expected = frames(6).filter((f) => !f.includes('usage')).join('');

  it('passes whole-event chunks through as they came and re-encodes the rest', async () => {
    const whole = await relay(frames(6).map((f) => Buffer.from(f)));
    assert.equal(whole.text, expected);
    assert.equal(whole.raw, 7); // all but the usage chunk
    // Chunks cut anywhere (mid-event, mid-character, CRLF framing) give the same events, never cut or repeated.
    const all = Buffer.from(frames(6).join(''));
    for (let step = 1; step < 90; step += 7) {
      const points = Array.from({ length: Math.floor(all.length / step) }, (_, k) => (k + 1) * step).filter((p) => p < all.length);
      assert.equal((await relay(cut(all, points))).text, expected, `step ${step}`);
    }
    const crlf = frames(3).map((f) => Buffer.from(f.replace(/\n/g, '\r\n')));
    assert.equal((await relay(crlf)).text.replace(/\r\n/g, '\n'), frames(3).filter((f) => !f.includes('usage')).map((f) => encodeSse({ data: f.slice(6, -2) })).join(''));
  });
});

describe('relaySse: usage, final event and bytes under any chunking (property)', () => {
  /** An OpenAI stream as the real API sends it with include_usage: `"usage":null` on every chunk but the last. */
  const openaiStream = (n: number, space: string, withUsage: boolean, done: boolean): string[] => {
    const out = Array.from({ length: n }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"t${i} ü"}}],"usage"${space}:${space}null}\n\n`);
    if (withUsage) out.push(`data: {"choices":[],"usage"${space}:${space}{"prompt_tokens":${n},"completion_tokens":${n + 1}}}\n\n`);
    if (done) out.push('data: [DONE]\n\n');
    return out;
  };
  const anthropicStream = (n: number, stop: boolean): string[] => {
    const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const out = [ev('message_start', { message: { id: 'm', usage: { input_tokens: 7, output_tokens: 1 } } }), ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })];
    for (let i = 0; i < n; i++) out.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `w${i} ` } }));
    out.push(ev('content_block_stop', { index: 0 }), ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: n } }));
    if (stop) out.push(ev('message_stop', {}));
    return out;
  };
  const relayAll = async (protocol: 'openai-chat' | 'anthropic-messages', chunks: Buffer[], strip: boolean) => {
    const r = relaySse(await openSse(source(chunks)), {
      protocol, providerId: 'p', stripUsageChunk: strip, requireTerminal: true,
      toError: (e) => (GatewayError.is(e) ? e : new GatewayError('upstream', String(e))), errorFrame: (err) => ({ event: 'error', data: err.code ?? 'x' }),
    });
    // Joined as bytes: a chunk may end inside a character.
    const parts: Buffer[] = [];
    for await (const f of r.frames) parts.push(Buffer.isBuffer(f) ? f : Buffer.from(f));
    return { text: Buffer.concat(parts).toString(), usage: r.usage(), failed: r.failed() };
  };
  const cuts = (len: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 12 }).map((a) => a.filter((p) => p < len).sort((x, y) => x - y));

  it('OpenAI: the relayed text, usage and final event are what a full parse gives', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 8 }), fc.constantFrom('', ' '), fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(),
      async (n, space, withUsage, done, strip, seed) => {
        const frames = openaiStream(n, space, withUsage, done);
        const all = Buffer.from(frames.join(''));
        const points = fc.sample(cuts(all.length), { seed, numRuns: 1 })[0]!;
        const r = await relayAll('openai-chat', cut(all, points), strip);
        const body = strip ? frames.filter((f) => !f.startsWith('data: {"choices":[],')).join('') : all.toString();
        assert.equal(r.text.startsWith(body), true, 'the events pass unchanged, none cut or repeated');
        assert.deepEqual(r.usage, withUsage ? { inputTokens: n, outputTokens: n + 1, cachedInputTokens: 0, reasoningTokens: 0 } : undefined);
        assert.equal(r.failed?.code, done ? undefined : 'incomplete_stream');
        assert.equal(r.text.length > body.length, !done, 'an error frame only when the stream was cut short');
      },
    ), { numRuns: 150 });
  });

  it('Anthropic: usage from message_start and message_delta, and message_stop, under any chunking', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.nat(), async (n, stop, seed) => {
      const all = Buffer.from(anthropicStream(n, stop).join(''));
      const points = fc.sample(cuts(all.length), { seed, numRuns: 1 })[0]!;
      const r = await relayAll('anthropic-messages', cut(all, points), false);
      assert.equal(r.text.startsWith(all.toString()), true);
      assert.deepEqual(r.usage, { inputTokens: 7, outputTokens: n, cachedInputTokens: 0, cacheCreationInputTokens: 0 });
      assert.equal(r.failed?.code, stop ? undefined : 'incomplete_stream');
    }), { numRuns: 100 });
  });
});
