import assert from 'node:assert/strict';
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
    assert.deepEqual(sse.first, { data: '1' });
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
