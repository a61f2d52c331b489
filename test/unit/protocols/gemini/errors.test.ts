import assert from 'node:assert/strict';
import { GatewayError } from '../../../../src/gateway/core/errors';
import { gemini } from '../../../../src/gateway/protocols/gemini';
import { parseDuration } from '../../../../src/gateway/protocols/gemini/errors';
import { API_KEY_INVALID_BODY, resourceExhaustedBody } from '../../../helpers/fake-gemini';

describe('gemini errors', () => {
  it('encodes every kind with a google.rpc status name', () => {
    const cases: Array<[GatewayError, number, string]> = [
      [new GatewayError('invalid_request', 'bad'), 400, 'INVALID_ARGUMENT'],
      [new GatewayError('auth', 'no'), 401, 'UNAUTHENTICATED'],
      [new GatewayError('permission', 'no'), 403, 'PERMISSION_DENIED'],
      [new GatewayError('not_found', 'no'), 404, 'NOT_FOUND'],
      [new GatewayError('rate_limit', 'no'), 429, 'RESOURCE_EXHAUSTED'],
      [new GatewayError('overloaded', 'no'), 503, 'UNAVAILABLE'],
      [new GatewayError('timeout', 'no'), 504, 'DEADLINE_EXCEEDED'],
      [new GatewayError('internal', 'no'), 500, 'INTERNAL'],
    ];
    for (const [err, status, name] of cases) {
      const enc = gemini.encodeError(err);
      assert.equal(enc.status, status, err.kind);
      assert.deepEqual(enc.body, { error: { code: status, message: err.message, status: name } });
      assert.deepEqual('data' in enc.frame && JSON.parse(enc.frame.data), enc.body);
    }
  });

  it('treats API_KEY_INVALID (a 400) as an invalid key', () => {
    const err = gemini.decodeError(400, API_KEY_INVALID_BODY, {});
    assert.equal(err.kind, 'auth');
    assert.equal(err.code, 'invalid_api_key');
    assert.equal(err.retryable, false);
    const byMessage = gemini.decodeError(400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }, {});
    assert.equal(byMessage.kind, 'auth');
  });

  it('reads retryDelay from RetryInfo, else retry-after', () => {
    const err = gemini.decodeError(429, resourceExhaustedBody('20s'), {});
    assert.equal(err.kind, 'rate_limit');
    assert.equal(err.info.retryAfterMs, 20000);
    assert.equal(err.info.upstreamType, 'RESOURCE_EXHAUSTED');
    assert.equal(gemini.decodeError(429, { error: { code: 429, message: 'x', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '7' }).info.retryAfterMs, 7000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('soon'), undefined);
  });

  it('maps statuses, stream arrays and text bodies', () => {
    assert.equal(gemini.decodeError(503, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, {}).kind, 'overloaded');
    assert.equal(gemini.decodeError(404, [{ error: { code: 404, message: 'models/x is not found', status: 'NOT_FOUND' } }], {}).kind, 'not_found');
    assert.equal(gemini.decodeError(400, { error: { code: 400, message: 'User location is not supported', status: 'FAILED_PRECONDITION' } }, {}).kind, 'invalid_request');
    const text = gemini.decodeError(502, '<html>bad gateway</html>', {});
    assert.equal(text.kind, 'upstream');
    assert.equal(text.message, '<html>bad gateway</html>');
    assert.equal(gemini.decodeError(500, { error: { code: 500, message: 'oops', status: 'INTERNAL' } }, {}).retryable, true);
  });
});
