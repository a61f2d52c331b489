import assert from 'node:assert/strict';
import { GatewayError, type ErrorKind } from '../../../../src/gateway/core/errors';
import { anthropicMessages } from '../../../../src/gateway/protocols/anthropic-messages';
import { parseRetryAfter } from '../../../../src/gateway/protocols/anthropic-messages/errors';

describe('anthropic-messages errors', () => {
  it('encodes every kind with the Anthropic type and status', () => {
    const cases: Array<[ErrorKind, string, number]> = [
      ['invalid_request', 'invalid_request_error', 400], ['auth', 'authentication_error', 401],
      ['permission', 'permission_error', 403], ['not_found', 'not_found_error', 404],
      ['rate_limit', 'rate_limit_error', 429], ['overloaded', 'overloaded_error', 529],
      ['upstream', 'api_error', 502], ['internal', 'api_error', 500], ['timeout', 'timeout_error', 504],
    ];
    for (const [kind, type, status] of cases) {
      const e = anthropicMessages.encodeError(new GatewayError(kind, 'boom'));
      assert.equal(e.status, status, kind);
      assert.deepEqual(e.body, { type: 'error', error: { type, message: 'boom' } });
      assert.deepEqual(e.frame, { event: 'error', data: JSON.stringify(e.body) });
    }
  });

  it('uses request_too_large for 413', () => {
    const e = anthropicMessages.encodeError(new GatewayError('invalid_request', 'too big', { status: 413 }));
    assert.equal(e.status, 413);
    assert.deepEqual(e.body, { type: 'error', error: { type: 'request_too_large', message: 'too big' } });
  });

  it('decodes overloaded_error as retryable overloaded with retry-after', () => {
    const err = anthropicMessages.decodeError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { 'retry-after': '7' });
    assert.equal(err.kind, 'overloaded');
    assert.equal(err.retryable, true);
    assert.equal(err.info.retryAfterMs, 7000);
    assert.equal(err.message, 'Overloaded');
    // Re-encoding keeps the upstream type.
    assert.deepEqual(anthropicMessages.encodeError(err).body, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('decodes "prompt is too long" as context_length_exceeded', () => {
    const err = anthropicMessages.decodeError(400, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }), {});
    assert.equal(err.kind, 'invalid_request');
    assert.equal(err.code, 'context_length_exceeded');
    assert.equal(err.retryable, false);
  });

  it('falls back to the status for non-JSON bodies', () => {
    const err = anthropicMessages.decodeError(503, '<html>bad gateway</html>', {});
    assert.equal(err.kind, 'overloaded');
    assert.equal(err.message, '<html>bad gateway</html>');
    assert.equal(anthropicMessages.decodeError(401, undefined, {}).kind, 'auth');
    assert.equal(anthropicMessages.decodeError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'x' } }, {}).kind, 'rate_limit');
  });

  it('parses retry-after as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter({ 'retry-after': '1.5' }), 1500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now), 30000);
    assert.equal(parseRetryAfter({}), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }), undefined);
  });
});
