/** The fake Gemini must satisfy the official @google/genai SDK, so it can stand in for the real API in tests. */
import assert from 'node:assert/strict';
import { GoogleGenAI, Type } from '@google/genai';
import { createGate, resourceExhaustedBody, startFakeGemini, type FakeGemini } from '../../helpers/fake-gemini';

describe('fake Gemini (checked with @google/genai)', () => {
  let fake: FakeGemini;
  let ai: GoogleGenAI;
  before(async () => {
    fake = await startFakeGemini();
    ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url } });
  });
  after(() => fake.close());

  it('answers generateContent with an echo and usage', async () => {
    const res = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hello there' });
    assert.equal(res.text, 'Echo: hello there');
    assert.equal(res.candidates?.[0]?.finishReason, 'STOP');
    assert.ok((res.usageMetadata?.promptTokenCount ?? 0) > 0);
    assert.equal(res.modelVersion, 'gemini-2.5-pro');
    const logged = fake.requests.at(-1)!;
    assert.equal(logged.url, '/v1beta/models/gemini-2.5-pro:generateContent');
    assert.equal(logged.headers['x-goog-api-key'], 'test-key');
  });

  it('streams with alt=sse in several chunks', async () => {
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream me' });
    const texts: string[] = [];
    let finish: string | undefined;
    for await (const chunk of stream) {
      texts.push(chunk.text ?? '');
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    assert.ok(texts.length >= 2, `expected several chunks, got ${texts.length}`);
    assert.equal(texts.join(''), 'Echo: stream me');
    assert.equal(finish, 'STOP');
    assert.match(fake.requests.at(-1)!.url, /:streamGenerateContent\?alt=sse$/);
  });

  it('calls a function when asked to "use tool", and echoes its result', async () => {
    const tools = [{ functionDeclarations: [{ name: 'lookup', description: 'look up', parameters: { type: Type.OBJECT, properties: { q: { type: Type.STRING } }, required: ['q'] } }] }];
    const first = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'please use tool now', config: { tools } });
    const call = first.functionCalls?.[0];
    assert.equal(call?.name, 'lookup');
    assert.deepEqual(call?.args, { q: 'please use tool now' });
    const second = await ai.models.generateContent({
      model: 'gemini-2.5-pro',
      config: { tools },
      contents: [
        { role: 'user', parts: [{ text: 'please use tool now' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'x' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { result: 42 } } }] },
      ],
    });
    assert.equal(second.text, 'Tool lookup returned {"result":42}');
  });

  it('returns thought parts and signatures when includeThoughts is set', async () => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-pro', contents: 'think', config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    const parts = res.candidates?.[0]?.content?.parts ?? [];
    assert.equal(parts[0]?.thought, true);
    assert.ok(parts[1]?.thoughtSignature);
    assert.ok((res.usageMetadata?.thoughtsTokenCount ?? 0) > 0);
  });

  it('counts tokens and embeds content (batchEmbedContents)', async () => {
    const count = await ai.models.countTokens({ model: 'gemini-2.5-pro', contents: 'count these words' });
    assert.ok((count.totalTokens ?? 0) > 0);
    const emb = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'], config: { outputDimensionality: 4 } });
    assert.equal(emb.embeddings?.length, 2);
    assert.equal(emb.embeddings?.[0]?.values?.length, 4);
    assert.match(fake.requests.at(-1)!.url, /:batchEmbedContents$/);
  });

  it('lists models in the Gemini shape', async () => {
    const pager = await ai.models.list();
    const names: string[] = [];
    for await (const m of pager) names.push(m.name ?? '');
    assert.ok(names.includes('models/gemini-2.5-pro'));
  });

  it('rejects bad-key with the API_KEY_INVALID shape the SDK surfaces', async () => {
    const bad = new GoogleGenAI({ apiKey: 'bad-key', httpOptions: { baseUrl: fake.url } });
    await assert.rejects(bad.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' }), (e: Error) => {
      assert.match(e.message, /API key not valid/);
      assert.match(e.message, /API_KEY_INVALID/);
      return true;
    });
  });

  it('plays scripted errors, raw frames and gated replies', async () => {
    fake.enqueue({ kind: 'error', status: 429, body: resourceExhaustedBody('3s') });
    await assert.rejects(ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' }), /RESOURCE_EXHAUSTED/);

    const gate = createGate();
    const frames = ['data: {"candidates":[{"content":{"role":"model","parts":[{"text":"A"}]},"index":0}]}\r\n\r\n',
      'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"B"}]},"finishReason":"STOP","index":0}]}\r\n\r\n'];
    fake.enqueue({ kind: 'raw', pieces: frames, gate, gateAfter: 1 });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'x' });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.value?.text, 'A');
    gate.release();
    const second = await it.next();
    assert.equal(second.value?.text, 'B');
    assert.equal((await it.next()).done, true);
  });

  it('streams a JSON array without alt=sse', async () => {
    const res = await fetch(`${fake.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?key=k`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'arr' }] }] }),
    });
    const arr = (await res.json()) as Array<{ candidates: Array<{ content: { parts: Array<{ text: string }> } }> }>;
    assert.ok(arr.length >= 2);
    assert.equal(arr.map((c) => c.candidates[0]!.content.parts[0]!.text).join(''), 'Echo: arr');
  });
});
