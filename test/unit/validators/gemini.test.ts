import assert from 'node:assert/strict';
import { validateGeminiStream } from '../../helpers/validators/gemini';
import type { SseEvent } from '../../../src/gateway/sse/types';

const chunk = (parts: unknown[] | undefined, finishReason?: string, usageMetadata?: unknown): SseEvent => ({
  data: JSON.stringify({
    candidates: [{ ...(parts ? { content: { role: 'model', parts } } : {}), ...(finishReason ? { finishReason } : {}), index: 0 }],
    ...(usageMetadata ? { usageMetadata } : {}), modelVersion: 'gemini-2.5-flash', responseId: 'r1',
  }),
});
const usage = { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 };

describe('validators: gemini', () => {
  it('accepts thoughts, text and a function call with usage on the last chunk', () => {
    const events = [chunk([{ text: 'plan', thought: true }]), chunk([{ text: 'Hi' }]),
      chunk([{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'sig' }], 'STOP', usage)];
    assert.deepEqual(validateGeminiStream(events), []);
  });
  it('accepts a stream ending with an error object', () => {
    assert.deepEqual(validateGeminiStream([chunk([{ text: 'Hi' }]), { data: '{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}' }]), []);
  });
  it('rejects finishReason before the last chunk and a stream without one', () => {
    assert.ok(validateGeminiStream([chunk([{ text: 'a' }], 'STOP'), chunk([{ text: 'b' }])]).some((m) => m.includes('after the chunk with finishReason')));
    assert.ok(validateGeminiStream([chunk([{ text: 'a' }])]).some((m) => m.includes('no chunk carries a finishReason')));
  });
  it('rejects chunks without candidates, non-numeric usage and unknown finish reasons', () => {
    assert.ok(validateGeminiStream([{ data: '{"usageMetadata":{}}' }]).some((m) => m.includes('no candidates')));
    assert.ok(validateGeminiStream([chunk([{ text: 'a' }], 'STOP', { promptTokenCount: '3' })]).some((m) => m.includes('promptTokenCount')));
    assert.ok(validateGeminiStream([chunk([{ text: 'a' }], 'END_TURN')]).some((m) => m.includes('unknown finishReason')));
  });
  it('rejects malformed parts, [DONE] and named events', () => {
    assert.ok(validateGeminiStream([chunk([{ text: 'a', functionCall: { name: 'f', args: {} } }], 'STOP')]).some((m) => m.includes('exactly one data field')));
    assert.ok(validateGeminiStream([chunk([{ functionCall: { args: {} } }], 'STOP')]).some((m) => m.includes('without name')));
    assert.ok(validateGeminiStream([chunk([{ text: 'a' }], 'STOP'), { data: '[DONE]' }]).some((m) => m.includes('[DONE]')));
    assert.ok(validateGeminiStream([{ ...chunk([{ text: 'a' }], 'STOP'), event: 'chunk' }]).some((m) => m.includes('unnamed')));
  });
});
