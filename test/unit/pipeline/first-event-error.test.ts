import assert from 'node:assert/strict';
import type { ProtocolId } from '../../../src/gateway/core/model';
import { firstEventError } from '../../../src/gateway/pipeline/attempt';
import { protocols } from '../../../src/gateway/protocols';
import type { SseEvent } from '../../../src/gateway/sse/types';

/** What the protocol's own stream decoder makes of `first`: the error it reports, if any. */
function decoderError(protocol: ProtocolId, first: SseEvent): string | undefined {
  for (const ev of protocols[protocol].decodeStream().step(first)) if (ev.type === 'error') return ev.error.message;
  return undefined;
}

const data = (o: unknown): string => JSON.stringify(o);

/** First events as upstreams send them: [protocol, event, is it an error]. */
const CASES: [ProtocolId, SseEvent, boolean][] = [
  ['openai-chat', { data: data({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) }, false],
  ['openai-chat', { data: data({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }) }, true],
  ['openai-chat', { data: data({ error: { message: 'boom' } }) }, true],
  ['anthropic-messages', { event: 'message_start', data: data({ type: 'message_start', message: { id: 'm1', model: 'claude', usage: { input_tokens: 3, output_tokens: 1 } } }) }, false],
  ['anthropic-messages', { event: 'error', data: data({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) }, true],
  ['anthropic-messages', { event: 'ping', data: data({ type: 'ping' }) }, false],
  ['openai-responses', { event: 'response.created', data: data({ type: 'response.created', response: { id: 'r1', status: 'in_progress' } }) }, false],
  ['openai-responses', { event: 'response.failed', data: data({ type: 'response.failed', response: { id: 'r1', status: 'failed', error: { code: 'server_error', message: 'down' } } }) }, true],
  // A failed response without an error object is still a failure (the decoder supplies the message).
  ['openai-responses', { event: 'response.failed', data: data({ type: 'response.failed', response: { id: 'r1', status: 'failed' } }) }, true],
  ['openai-responses', { event: 'error', data: data({ type: 'error', code: 'rate_limit_exceeded', message: 'slow down' }) }, true],
  // The Responses decoder falls back on the event name when the data has no type.
  ['openai-responses', { event: 'error', data: data({ message: 'down' }) }, true],
  ['openai-responses', { event: 'response.failed', data: data({ response: { id: 'r2' } }) }, true],
  ['gemini', { data: data({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }], modelVersion: 'gemini' }) }, false],
  ['gemini', { data: data({ error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } }) }, true],
];

describe('firstEventError (the pre-commit check of a stream\'s first event)', () => {
  for (const [protocol, first, isError] of CASES) {
    it(`${protocol} ${first.event ?? ''} ${first.data.slice(0, 60)}… → ${isError ? 'an error' : 'no error'}, as the decoder says`, () => {
      const expected = decoderError(protocol, first);
      assert.equal(expected !== undefined, isError, 'the table agrees with the decoder');
      assert.equal(firstEventError(protocol, first)?.message, expected);
    });
  }

  it('no first event (a body that ended at once) is no error', () => {
    assert.equal(firstEventError('openai-chat', undefined), undefined);
  });
});
