import assert from 'node:assert/strict';
import type { ChatRequest, ChatResponse } from '../../../../src/gateway/core/model';
import { gemini } from '../../../../src/gateway/protocols/gemini';
import { decodeFinishReason, encodeFinishReason } from '../../../../src/gateway/protocols/gemini/finish-reason';
import { decodeGeminiUsage, encodeGeminiUsage } from '../../../../src/gateway/protocols/gemini/response';

const req: ChatRequest = { model: 'm', stream: false, messages: [] };

describe('gemini response', () => {
  it('decodes text, thoughts, calls, usage and ids', () => {
    const res = gemini.decodeResponse({
      candidates: [{ content: { role: 'model', parts: [
        { text: 'hmm', thought: true },
        { text: 'Calling.' },
        { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'SIG' },
      ] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 150, cachedContentTokenCount: 40, thoughtsTokenCount: 30 },
      modelVersion: 'gemini-2.5-pro', responseId: 'r1',
    });
    assert.equal(res.id, 'r1');
    assert.equal(res.model, 'gemini-2.5-pro');
    assert.deepEqual(res.finish, { reason: 'tool-calls', raw: 'STOP' });
    assert.deepEqual(res.usage, { inputTokens: 100, outputTokens: 50, cachedInputTokens: 40, reasoningTokens: 30 });
    assert.deepEqual(res.content.slice(0, 3), [
      { type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'Calling.' }, { type: 'reasoning', text: '', signature: 'SIG' },
    ]);
    const call = res.content[3];
    assert.equal(call?.type, 'tool-call');
    if (call?.type === 'tool-call') {
      assert.equal(call.argsJson, '{"a":1}');
      // stable per response id: decoding the same response again yields the same id
      const again = gemini.decodeResponse({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] } }], responseId: 'r1' });
      assert.equal(again.content[0]?.type === 'tool-call' && again.content[0].callId, call.callId);
    }
  });

  it('maps a blocked prompt to content-filter', () => {
    const res = gemini.decodeResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } });
    assert.deepEqual(res.finish, { reason: 'content-filter', raw: 'SAFETY' });
    assert.deepEqual(res.content, []);
  });

  it('encodes for a Gemini caller, with thoughts and signatures where Gemini puts them', () => {
    const res: ChatResponse = {
      id: 'resp', model: 'claude-x',
      content: [
        { type: 'reasoning', text: 'plan', signature: 'ANTH' },
        { type: 'reasoning', text: '', signature: 'BARE' },
        { type: 'tool-call', callId: 'toolu_1', name: 'f', argsJson: '{"q":"x"}' },
      ],
      finish: { reason: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: 2, cachedInputTokens: 4 },
    };
    assert.deepEqual(gemini.encodeResponse(res, req), {
      candidates: [{ content: { role: 'model', parts: [
        { text: 'plan', thought: true, thoughtSignature: 'ANTH' },
        { functionCall: { name: 'f', args: { q: 'x' }, id: 'toolu_1' }, thoughtSignature: 'BARE' },
      ] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 17, cachedContentTokenCount: 4, thoughtsTokenCount: 2 },
      modelVersion: 'claude-x', responseId: 'resp',
    });
  });

  it('round-trips a Gemini response through canonical', () => {
    const wire = {
      candidates: [{ content: { role: 'model', parts: [{ text: 't', thought: true, thoughtSignature: 'S' }, { text: 'hello' }] }, finishReason: 'MAX_TOKENS', index: 0 }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 9, thoughtsTokenCount: 2 },
      modelVersion: 'gemini-2.5-flash', responseId: 'abc',
    };
    assert.deepEqual(gemini.encodeResponse(gemini.decodeResponse(wire), req), wire);
  });

  it('omits content for an empty candidate', () => {
    const out = gemini.encodeResponse({ id: 'x', model: 'm', content: [], finish: { reason: 'content-filter' } }, req) as { candidates: unknown[] };
    assert.deepEqual(out.candidates[0], { finishReason: 'SAFETY', index: 0 });
  });

  it('maps finish reasons both ways', () => {
    assert.equal(decodeFinishReason('STOP', false), 'stop');
    assert.equal(decodeFinishReason('STOP', true), 'tool-calls');
    assert.equal(decodeFinishReason('MAX_TOKENS', false), 'length');
    assert.equal(decodeFinishReason('RECITATION', false), 'content-filter');
    assert.equal(decodeFinishReason('MALFORMED_FUNCTION_CALL', false), 'error');
    assert.equal(decodeFinishReason('SOMETHING_NEW', false), 'other');
    assert.equal(encodeFinishReason('tool-calls'), 'STOP');
    assert.equal(encodeFinishReason('length', 'max_tokens'), 'MAX_TOKENS');
    assert.equal(encodeFinishReason('content-filter', 'PROHIBITED_CONTENT'), 'PROHIBITED_CONTENT');
    assert.equal(encodeFinishReason('stop', 'SAFETY'), 'STOP', 'a raw reason that disagrees is not trusted');
  });

  it('usage: thoughts count as output; encode inverts decode', () => {
    const meta = { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 16, thoughtsTokenCount: 4, cachedContentTokenCount: 2 };
    const usage = decodeGeminiUsage(meta);
    assert.deepEqual(usage, { inputTokens: 9, outputTokens: 7, cachedInputTokens: 2, reasoningTokens: 4 });
    assert.deepEqual(encodeGeminiUsage(usage), meta);
  });
});
