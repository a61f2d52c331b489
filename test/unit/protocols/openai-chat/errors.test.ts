import assert from 'node:assert/strict';
import { GatewayError, invalidRequest } from '../../../../src/gateway/core/errors';
import { openaiChat } from '../../../../src/gateway/protocols/openai-chat';
import { retryAfterFromHeaders, retryAfterFromMessage } from '../../../../src/gateway/protocols/openai-chat/errors';

describe('openai-chat encodeError', () => {
  it('renders kinds as OpenAI error types with codes, params and statuses', () => {
    const cases: Array<[GatewayError, number, string, string | null]> = [
      [invalidRequest('bad', 'messages', 'missing_required_parameter'), 400, 'invalid_request_error', 'missing_required_parameter'],
      [new GatewayError('auth', 'no key'), 401, 'authentication_error', 'invalid_api_key'],
      [new GatewayError('permission', 'no'), 403, 'permission_error', 'permission_denied'],
      [new GatewayError('not_found', 'no model'), 404, 'not_found_error', 'model_not_found'],
      [new GatewayError('rate_limit', 'slow'), 429, 'rate_limit_error', 'rate_limit_exceeded'],
      [new GatewayError('rate_limit', 'quota', { code: 'insufficient_quota' }), 429, 'rate_limit_error', 'insufficient_quota'],
      [new GatewayError('overloaded', 'busy'), 529, 'server_error', 'server_overloaded'],
      [new GatewayError('upstream', 'boom'), 502, 'api_error', 'upstream_error'],
      [new GatewayError('timeout', 'slow'), 504, 'server_error', 'timeout'],
      [new GatewayError('internal', 'bug'), 500, 'server_error', 'internal_error'],
    ];
    for (const [err, status, type, code] of cases) {
      const out = openaiChat.encodeError(err);
      assert.equal(out.status, status, err.kind);
      assert.deepEqual(out.body, { error: { message: err.message, type, param: err.info.param ?? null, code } });
      assert.deepEqual(out.frame, { data: JSON.stringify(out.body) });
    }
  });

  it('passes an OpenAI upstream type through', () => {
    const err = new GatewayError('rate_limit', 'q', { upstreamType: 'insufficient_quota', code: 'insufficient_quota' });
    assert.equal((openaiChat.encodeError(err).body as { error: { type: string } }).error.type, 'insufficient_quota');
    const anth = new GatewayError('overloaded', 'o', { upstreamType: 'overloaded_error' });
    assert.equal((openaiChat.encodeError(anth).body as { error: { type: string } }).error.type, 'server_error');
  });
});

describe('openai-chat decodeError', () => {
  it('parses OpenAI error bodies and keeps message, code, type and 4xx status', () => {
    const err = openaiChat.decodeError(404, { error: { message: 'The model `x` does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } }, {});
    assert.equal(err.kind, 'not_found');
    assert.equal(err.status, 404);
    assert.equal(err.message, 'The model `x` does not exist');
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.info.upstreamType, 'invalid_request_error');
    assert.equal(err.retryable, false);
  });

  it('reads retry hints from headers and messages', () => {
    const body = JSON.stringify({ error: { message: 'Rate limit reached. Please try again in 20s.', type: 'requests', code: 'rate_limit_exceeded' } });
    const fromText = openaiChat.decodeError(429, body, {});
    assert.equal(fromText.kind, 'rate_limit');
    assert.equal(fromText.retryable, true);
    assert.equal(fromText.info.retryAfterMs, 20_000);
    assert.equal(openaiChat.decodeError(429, body, { 'retry-after': '3' }).info.retryAfterMs, 3000);
    assert.equal(openaiChat.decodeError(429, body, { 'Retry-After-Ms': '250.5', 'retry-after': '3' }).info.retryAfterMs, 251);
    assert.equal(retryAfterFromMessage('try again in 1.5s'), 1500);
    assert.equal(retryAfterFromMessage('Please try again in 200ms.'), 200);
    assert.equal(retryAfterFromMessage('Please try again in 1m30s.'), 90_000);
    assert.equal(retryAfterFromMessage('no hint'), undefined);
    assert.equal(retryAfterFromHeaders({ 'retry-after': 'Thu, 01 Jan 1970 00:00:10 GMT' }, 4000), 6000);
  });

  it('treats context length overflow as a non-retryable invalid request', () => {
    const err = openaiChat.decodeError(400, { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }, {});
    assert.equal(err.kind, 'invalid_request');
    assert.equal(err.retryable, false);
    assert.equal(err.info.param, 'messages');
    assert.equal(err.code, 'context_length_exceeded');
  });

  it('copes with text bodies, string errors and 5xx statuses', () => {
    const text = openaiChat.decodeError(502, '<html>Bad gateway</html>', {});
    assert.equal(text.kind, 'upstream');
    assert.equal(text.status, 502);
    assert.equal(text.message, '<html>Bad gateway</html>');
    assert.equal(text.retryable, true);
    const str = openaiChat.decodeError(503, { error: 'model overloaded' }, {});
    assert.equal(str.kind, 'overloaded');
    assert.equal(str.message, 'model overloaded');
    const arr = openaiChat.decodeError(400, [{ error: { code: 400, message: 'bad arg', status: 'INVALID_ARGUMENT' } }], {});
    assert.equal(arr.message, 'bad arg');
    assert.equal(arr.code, '400');
    assert.equal(openaiChat.decodeError(500, undefined, {}).message, 'Upstream returned HTTP 500');
  });
});
