import assert from 'node:assert/strict';
import { geminiModelPath, parseModelAction } from '../../../../src/gateway/protocols/gemini/model-path';
import { decodeGeminiEmbeddings, encodeGeminiEmbeddings } from '../../../../src/gateway/protocols/gemini/embeddings';
import { GatewayError } from '../../../../src/gateway/core/errors';

describe('gemini model path', () => {
  it('splits model and action', () => {
    assert.deepEqual(parseModelAction('gemini-2.5-pro:streamGenerateContent'), { model: 'gemini-2.5-pro', action: 'streamGenerateContent' });
    assert.deepEqual(parseModelAction('models/gemini-2.5-flash:countTokens'), { model: 'gemini-2.5-flash', action: 'countTokens' });
    assert.deepEqual(parseModelAction('gemini-2.5-pro%3AgenerateContent'), { model: 'gemini-2.5-pro', action: 'generateContent' });
    assert.deepEqual(parseModelAction('vendor/model:v1:generateContent'), { model: 'vendor/model:v1', action: 'generateContent' });
    assert.equal(parseModelAction('gemini-2.5-pro'), undefined);
    assert.equal(parseModelAction('gemini-2.5-pro:deleteEverything'), undefined);
    assert.equal(parseModelAction(':generateContent'), undefined);
  });

  it('builds upstream paths, asking streams for SSE', () => {
    assert.equal(geminiModelPath('models/x', 'generateContent'), '/models/x:generateContent');
    assert.equal(geminiModelPath('x', 'streamGenerateContent'), '/models/x:streamGenerateContent?alt=sse');
  });
});

describe('gemini embeddings', () => {
  it('sends one string to :embedContent and a list to :batchEmbedContents', () => {
    assert.deepEqual(encodeGeminiEmbeddings({ input: 'hi', dimensions: 8 }, 'gemini-embedding-001'), {
      path: '/models/gemini-embedding-001:embedContent', stream: false,
      body: { content: { parts: [{ text: 'hi' }] }, outputDimensionality: 8 },
    });
    assert.deepEqual(encodeGeminiEmbeddings({ input: ['a', 'b'] }, 'models/e').body, { requests: [
      { content: { parts: [{ text: 'a' }] }, model: 'models/e' },
      { content: { parts: [{ text: 'b' }] }, model: 'models/e' },
    ] });
    assert.equal(encodeGeminiEmbeddings({ input: ['a'] }, 'e').path, '/models/e:batchEmbedContents');
  });

  it('rejects token arrays and empty input', () => {
    assert.throws(() => encodeGeminiEmbeddings({ input: [[1, 2]] }, 'e'), (e: unknown) => GatewayError.is(e) && e.info.param === 'input');
    assert.throws(() => encodeGeminiEmbeddings({ input: [] }, 'e'), GatewayError);
  });

  it('decodes both response shapes', () => {
    assert.deepEqual(decodeGeminiEmbeddings({ embedding: { values: [1, 2] } }), [[1, 2]]);
    assert.deepEqual(decodeGeminiEmbeddings({ embeddings: [{ values: [1] }, { values: [2] }] }), [[1], [2]]);
    assert.throws(() => decodeGeminiEmbeddings({ embeddings: [{}] }), (e: unknown) => GatewayError.is(e) && e.kind === 'upstream');
  });
});
