import assert from 'node:assert/strict';
import type { ChatRequest, StreamEvent } from '../../../src/gateway/core/model';
import { runSteps } from '../../../src/gateway/core/stream';
import { gemini } from '../../../src/gateway/protocols/gemini';
import {
  SKIP_SIGNATURE_VALIDATOR, ThoughtSignatureStore, createGeminiThoughtSignatureQuirk,
} from '../../../src/gateway/providers/quirks/gemini-thought-signatures';
import { decodeSseText } from '../../../src/gateway/sse/decode';

const ctx = (upstreamModel = 'gemini-2.5-pro') => ({ providerId: 'gemini', upstreamModel, baseUrl: 'http://x' });

/** An OpenAI-style replay: the client kept the call but not the signature. */
const replay = (callIds: string[]): ChatRequest => ({
  model: 'm', stream: false,
  messages: [
    { role: 'user', parts: [{ type: 'text', text: 'go' }] },
    { role: 'assistant', parts: callIds.map((callId) => ({ type: 'tool-call' as const, callId, name: 'f', argsJson: '{}' })) },
    { role: 'tool', parts: callIds.map((callId) => ({ type: 'tool-result' as const, callId, content: [{ type: 'text' as const, text: 'ok' }] })) },
  ],
});

describe('quirk gemini-thought-signatures', () => {
  it('is a bounded LRU', () => {
    const store = new ThoughtSignatureStore(2);
    store.set('a', '1');
    store.set('b', '2');
    assert.equal(store.get('a'), '1'); // a is now the most recent
    store.set('c', '3');
    assert.equal(store.size, 2);
    assert.equal(store.get('b'), undefined, 'least recently used is evicted');
    assert.equal(store.get('a'), '1');
    assert.equal(store.get('c'), '3');
  });

  it('records signatures from a decoded Gemini stream and re-injects them on replay', () => {
    const store = new ThoughtSignatureStore();
    const sse = `data: ${JSON.stringify({ responseId: 'R', candidates: [{ content: { parts: [
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'SIG' }, { functionCall: { name: 'f', args: {} } },
    ] }, finishReason: 'STOP' }] })}\n\n`;
    const events = runSteps(decodeSseText(sse), gemini.decodeStream());
    const observed = runSteps(events, store.observeStream());
    assert.deepEqual(observed, events, 'observation passes events through unchanged');
    const ids = events.filter((e): e is Extract<StreamEvent, { type: 'tool-start' }> => e.type === 'tool-start').map((e) => e.callId);
    assert.equal(store.get(ids[0]!), 'SIG');
    assert.equal(store.get(ids[1]!), undefined, 'only the first call of a parallel batch is signed');

    const fixed = createGeminiThoughtSignatureQuirk(store).request!(replay(ids), ctx());
    const body = gemini.encodeRequest(fixed, 'gemini-2.5-pro').body as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    assert.equal(body.contents[1]!.parts[0]!.thoughtSignature, 'SIG');
    assert.equal(body.contents[1]!.parts[1]!.thoughtSignature, undefined);
  });

  it('records from whole responses too', () => {
    const store = new ThoughtSignatureStore();
    store.recordResponse(gemini.decodeResponse({ responseId: 'Q', candidates: [{ content: { parts: [
      { text: 'hi' }, { functionCall: { id: 'fc1', name: 'f', args: {} }, thoughtSignature: 'S1' },
    ] } }] }));
    assert.equal(store.get('fc1'), 'S1');
  });

  it('leaves requests that still carry signatures, and unknown calls on old models, alone', () => {
    const store = new ThoughtSignatureStore();
    store.set('c1', 'STORED');
    const quirk = createGeminiThoughtSignatureQuirk(store);
    const signed: ChatRequest = { ...replay(['c1']) };
    signed.messages[1] = { role: 'assistant', parts: [{ type: 'reasoning', text: '', signature: 'OWN' }, ...signed.messages[1]!.parts] };
    assert.equal(quirk.request!(signed, ctx()), signed);
    const unknown = replay(['c9']);
    assert.equal(quirk.request!(unknown, ctx()), unknown);
  });

  it('falls back to the documented skip value on Gemini 3 (first call only)', () => {
    const quirk = createGeminiThoughtSignatureQuirk(new ThoughtSignatureStore());
    const out = quirk.request!(replay(['x1', 'x2']), ctx('gemini-3-pro-preview'));
    assert.deepEqual(out.messages[1]!.parts.map((p) => p.type), ['reasoning', 'tool-call', 'tool-call']);
    assert.deepEqual(out.messages[1]!.parts[0], { type: 'reasoning', text: '', signature: SKIP_SIGNATURE_VALIDATOR });
    const none = createGeminiThoughtSignatureQuirk(new ThoughtSignatureStore(), { fallback: () => undefined });
    const req = replay(['x1']);
    assert.equal(none.request!(req, ctx('gemini-3-pro-preview')), req);
  });
});
