import assert from 'node:assert/strict';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { StreamEvent } from '../../../../src/gateway/core/model';
import { runSteps } from '../../../../src/gateway/core/stream';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { encodeSse } from '../../../../src/gateway/sse/encode';
import type { SseFrame } from '../../../../src/gateway/sse/types';
import { gemini } from '../../../../src/gateway/protocols/gemini';
import { encodeGeminiJsonArrayStream } from '../../../../src/gateway/protocols/gemini/stream';

const chunk = (parts: unknown[], extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra.candidate as object }], modelVersion: 'gemini-2.5-pro', responseId: 'R', ...withoutCandidate(extra) })}\r\n\r\n`;
function withoutCandidate(e: Record<string, unknown>): Record<string, unknown> { const { candidate: _c, ...rest } = e; return rest; }

const decode = (sse: string): StreamEvent[] => runSteps(decodeSseText(sse), gemini.decodeStream());
const dataOf = (f: SseFrame): unknown => ('data' in f ? JSON.parse(f.data) : undefined);

describe('gemini stream', () => {
  it('decodes thoughts, text and a signed call, closing blocks and finishing with usage', () => {
    const sse = chunk([{ text: 'think ', thought: true }]) + chunk([{ text: 'more', thought: true }])
      + chunk([{ text: 'Hel' }]) + chunk([{ text: 'lo' }])
      + chunk([{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'SIG' }],
        { candidate: { finishReason: 'STOP' }, usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 2 } });
    const events = decode(sse);
    const callId = (events.find((e) => e.type === 'tool-start') as { callId: string }).callId;
    assert.deepEqual(events, [
      { type: 'start', id: 'R', model: 'gemini-2.5-pro' },
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'think ' },
      { type: 'reasoning-delta', index: 0, text: 'more' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'Hel' },
      { type: 'text-delta', index: 1, text: 'lo' },
      { type: 'text-end', index: 1 },
      { type: 'reasoning-start', index: 2 },
      { type: 'reasoning-signature', index: 2, signature: 'SIG' },
      { type: 'reasoning-end', index: 2 },
      { type: 'tool-start', index: 3, callId, name: 'f' },
      { type: 'tool-delta', index: 3, argsJson: '{"a":1}' },
      { type: 'tool-end', index: 3 },
      { type: 'finish', reason: 'tool-calls', raw: 'STOP', usage: { inputTokens: 5, outputTokens: 5, reasoningTokens: 2 } },
    ]);
    assert.equal(decode(sse).find((e) => e.type === 'tool-start')?.type === 'tool-start' && callId.length > 0, true);
  });

  it('gives the same call ids as decodeResponse for the same response id', () => {
    const events = decode(chunk([{ functionCall: { name: 'f', args: {} } }, { functionCall: { name: 'f', args: {} } }]));
    const ids = events.filter((e): e is Extract<StreamEvent, { type: 'tool-start' }> => e.type === 'tool-start').map((e) => e.callId);
    const res = gemini.decodeResponse({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }, { functionCall: { name: 'f', args: {} } }] } }], responseId: 'R' });
    assert.deepEqual(ids, res.content.map((p) => (p.type === 'tool-call' ? p.callId : '')));
    assert.notEqual(ids[0], ids[1]);
  });

  it('puts a trailing signature on its own zero-length reasoning block and ignores empty text', () => {
    const events = decode(chunk([{ text: 'hi' }]) + chunk([{ text: '', thoughtSignature: 'END' }], { candidate: { finishReason: 'STOP' } }));
    assert.deepEqual(events.slice(1).map((e) => e.type), [
      'text-start', 'text-delta', 'text-end', 'reasoning-start', 'reasoning-signature', 'reasoning-end', 'finish',
    ]);
    assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop', raw: 'STOP' });
  });

  it('turns an error chunk into an error event and stops', () => {
    const sse = chunk([{ text: 'a' }]) + `data: ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}\n\n` + chunk([{ text: 'b' }]);
    const events = decode(sse);
    const last = events.at(-1)!;
    assert.equal(last.type, 'error');
    if (last.type === 'error') assert.equal(last.error.kind, 'overloaded');
    assert.equal(events.filter((e) => e.type === 'finish').length, 0);
    assert.equal(events.at(-2)?.type, 'text-end');
  });

  it('reports a prompt blocked mid-stream as content-filter', () => {
    const events = decode(`data: ${JSON.stringify({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, responseId: 'R' })}\n\n`);
    assert.deepEqual(events.at(-1), { type: 'finish', reason: 'content-filter', raw: 'PROHIBITED_CONTENT' });
  });

  it('encodes canonical events into Gemini chunks (whole function calls, final usage)', () => {
    const frames = runSteps<StreamEvent, SseFrame>([
      { type: 'start', id: 'msg_1', model: 'claude' },
      { type: 'reasoning-start', index: 0 }, { type: 'reasoning-delta', index: 0, text: 'hm' },
      { type: 'reasoning-signature', index: 0, signature: 'A' }, { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 }, { type: 'text-delta', index: 1, text: 'Hi' }, { type: 'text-end', index: 1 },
      { type: 'reasoning-start', index: 2 }, { type: 'reasoning-signature', index: 2, signature: 'B' }, { type: 'reasoning-end', index: 2 },
      { type: 'tool-start', index: 3, callId: 'c1', name: 'f' }, { type: 'tool-delta', index: 3, argsJson: '{"x"' },
      { type: 'tool-delta', index: 3, argsJson: ':2}' }, { type: 'tool-end', index: 3 },
      { type: 'finish', reason: 'tool-calls', raw: 'tool_use', usage: { inputTokens: 3, outputTokens: 4 } },
    ], gemini.encodeStream({ model: 'm', stream: true, messages: [] }));
    const chunks = frames.map(dataOf) as Array<{ candidates: Array<{ content?: { parts: unknown[] }; finishReason?: string }>; usageMetadata?: unknown; responseId: string }>;
    assert.ok(frames.every((f) => !('event' in f && f.event)), 'Gemini frames have no event names');
    assert.deepEqual(chunks.map((c) => c.candidates[0]!.content?.parts), [
      [{ text: 'hm', thought: true }],
      [{ text: '', thought: true, thoughtSignature: 'A' }],
      [{ text: 'Hi' }],
      [{ functionCall: { name: 'f', args: { x: 2 }, id: 'c1' }, thoughtSignature: 'B' }],
      undefined,
    ]);
    assert.equal(chunks.at(-1)!.candidates[0]!.finishReason, 'STOP');
    assert.deepEqual(chunks.at(-1)!.usageMetadata, { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 });
    assert.ok(chunks.every((c) => c.responseId === 'msg_1'));
  });

  it('round-trips: encoded Gemini stream decodes back to the same text, calls and signatures', () => {
    const source = chunk([{ text: 'x', thought: true, thoughtSignature: 'T' }]) + chunk([{ text: 'Hello' }])
      + chunk([{ functionCall: { name: 'g', args: { k: 'v' } }, thoughtSignature: 'S' }], { candidate: { finishReason: 'STOP' } });
    const canonical = decode(source);
    const wire = runSteps(canonical, gemini.encodeStream({ model: 'm', stream: true, messages: [] })).map(encodeSse).join('');
    const again = decode(wire);
    const strip = (evs: StreamEvent[]): unknown[] => evs.filter((e) => e.type !== 'start').map((e) => JSON.stringify(e));
    assert.deepEqual(strip(again), strip(canonical));
  });

  it('encodes an error as a {error:{code,message,status}} frame', () => {
    const [frame] = gemini.encodeStream({ model: 'm', stream: true, messages: [] }).step({ type: 'error', error: new GatewayError('rate_limit', 'slow down') });
    assert.deepEqual(dataOf(frame!), { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('encodes the JSON-array stream form', () => {
    const pieces = runSteps<StreamEvent, string>([
      { type: 'start', id: 'r', model: 'm' }, { type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'a' },
      { type: 'text-end', index: 0 }, { type: 'finish', reason: 'stop' },
    ], encodeGeminiJsonArrayStream());
    const arr = JSON.parse(pieces.join('')) as Array<{ candidates: Array<{ finishReason?: string }> }>;
    assert.equal(arr.length, 2);
    assert.equal(arr[1]!.candidates[0]!.finishReason, 'STOP');
    assert.equal(pieces[0]!.startsWith('['), true);
    assert.equal(JSON.parse(runSteps<StreamEvent, string>([], encodeGeminiJsonArrayStream()).join('')).length, 0);
  });
});
