/** /v1/embeddings through the real gateway: OpenAI-compatible pass-through, Gemini translation, and the 400 for Anthropic. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { decodeFloat32Base64 } from '../../src/gateway/embeddings/base64';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeGemini, type FakeGemini } from '../helpers/fake-gemini';
import { fakeVector, startFakeOpenAILegacy, type FakeOpenAILegacy } from '../helpers/fake-openai-legacy';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('/v1/embeddings (official SDK → gateway)', () => {
  let oa: FakeOpenAILegacy;
  let gemini: FakeGemini;
  let anthropic: FakeAnthropic;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    oa = await startFakeOpenAILegacy();
    gemini = await startFakeGemini();
    anthropic = await startFakeAnthropic();
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: oa.baseURL, keys: [{ label: 'ok1', key: 'sk-oa-1' }], models: ['text-embedding-3-small'] },
        { id: 'gem', type: 'gemini', baseUrl: `${gemini.url}/v1beta`, keys: [{ label: 'gk', key: 'g-key-1' }], models: ['gemini-embedding-001'] },
        { id: 'anth', type: 'anthropic', baseUrl: `${anthropic.url}/v1`, keys: [{ label: 'ak', key: 'sk-ant-1' }], models: ['claude-test-sonnet'] },
      ],
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => { await gw.close(); await oa.close(); await gemini.close(); await anthropic.close(); });

  const close = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);

  it('passes float requests through to an OpenAI upstream with the model replaced', async () => {
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float', dimensions: 3 }).withResponse();
    assert.equal(data.data.length, 2);
    assert.ok(close(data.data[1]!.embedding, fakeVector('beta', 3)));
    assert.ok(data.usage.prompt_tokens > 0);
    assert.equal(response.headers.get('x-switchboard-provider'), 'oa');
    assert.equal(response.headers.get('x-mapped-model'), 'text-embedding-3-small');
    assert.equal(response.headers.get('x-switchboard-key'), 'ok1');
    const up = oa.embeddingRequests().at(-1)!;
    assert.deepEqual(up.body, { model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float', dimensions: 3 });
    assert.equal(up.headers.authorization, 'Bearer sk-oa-1');
    const rec = gw.gateway.usage.recent(1)[0]!;
    assert.equal(rec.endpoint, 'embeddings');
    assert.equal(rec.provider, 'oa');
    assert.equal(rec.status, 200);
    assert.equal(rec.inputTokens, data.usage.prompt_tokens);
  });

  it('passes base64 (the SDK default) and token-id input through', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'gamma' });
    assert.ok(close(r.data[0]!.embedding, fakeVector('gamma', 4)), 'the SDK decoded the upstream base64');
    assert.equal((oa.embeddingRequests().at(-1)!.body as { encoding_format: string }).encoding_format, 'base64');
    const raw = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[5, 6, 7]], encoding_format: 'base64' });
    assert.equal(typeof raw.data[0]!.embedding, 'string');
    assert.ok(close(decodeFloat32Base64(raw.data[0]!.embedding as unknown as string), fakeVector([5, 6, 7], 4)));
  });

  it('translates to Gemini embedContent / batchEmbedContents, as floats and as float32 base64', async () => {
    const one = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'hello', encoding_format: 'float', dimensions: 5 });
    assert.equal(one.object, 'list');
    assert.equal(one.data[0]!.embedding.length, 5);
    assert.ok(one.usage.prompt_tokens > 0, 'usage is estimated');
    const single = gemini.requests.at(-1)!;
    assert.match(single.url, /\/v1beta\/models\/gemini-embedding-001:embedContent$/);
    assert.deepEqual(single.body, { content: { parts: [{ text: 'hello' }] }, outputDimensionality: 5 });
    assert.equal(single.headers['x-goog-api-key'], 'g-key-1');

    const { data: batch, response } = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['a', 'b', 'c'], encoding_format: 'base64' }).withResponse();
    assert.equal(response.headers.get('x-switchboard-provider'), 'gem');
    assert.match(gemini.requests.at(-1)!.url, /:batchEmbedContents$/);
    const floats = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['a', 'b', 'c'], encoding_format: 'float' });
    assert.equal(batch.data.length, 3);
    batch.data.forEach((d, i) => {
      assert.equal(typeof d.embedding, 'string');
      assert.equal(d.index, i);
      assert.ok(close(decodeFloat32Base64(d.embedding as unknown as string), floats.data[i]!.embedding));
    });
    // The SDK's default (base64 requested, decoded by the SDK) gives the same vectors.
    const viaSdk = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['a', 'b', 'c'] });
    assert.ok(viaSdk.data.every((d, i) => close(d.embedding, floats.data[i]!.embedding)));
  });

  it('answers 400 embeddings_not_supported for an Anthropic model', async () => {
    const before = anthropic.requests.length;
    await assert.rejects(client.embeddings.create({ model: 'claude-test-sonnet', input: 'x' }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e as InstanceType<typeof OpenAI.BadRequestError>).code === 'embeddings_not_supported');
    assert.equal(anthropic.requests.length, before, 'nothing was sent upstream');
    const rec = gw.gateway.usage.recent(1)[0]!;
    assert.equal(rec.status, 400);
    assert.equal(rec.errorCode, 'embeddings_not_supported');
  });

  it('rejects bad input, token ids for Gemini, and unknown models', async () => {
    const post = (body: unknown) => fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let res = await post({ model: 'text-embedding-3-small', input: [] });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'input');
    res = await post({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' });
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'encoding_format');
    res = await post({ model: 'gemini-embedding-001', input: [1, 2] });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unsupported_parameter');
    res = await post({ model: 'nope', input: 'x' });
    assert.equal(res.status, 404);
  });

  it('surfaces upstream errors in the OpenAI shape', async () => {
    gemini.enqueue({ kind: 'error', status: 400, body: { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } } });
    await assert.rejects(client.embeddings.create({ model: 'gemini-embedding-001', input: 'x' }), OpenAI.BadRequestError);
  });
});
