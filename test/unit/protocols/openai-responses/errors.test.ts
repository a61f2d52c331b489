import assert from 'node:assert/strict';
import { openaiResponses } from '../../../../src/gateway/protocols/openai-responses';
import { GatewayError } from '../../../../src/gateway/core/errors';
import { parseRetryText, retryAfterFromHeaders } from '../../../../src/gateway/protocols/openai-responses/errors';

describe('openai-responses errors', () => {
  it('encodes an OpenAI error body and a response.failed frame', () => {
    const enc = openaiResponses.encodeError(new GatewayError('invalid_request', 'bad field', { param: 'input[2]', code: 'invalid_value' }));
    assert.equal(enc.status, 400);
    assert.deepEqual(enc.body, { error: { message: 'bad field', type: 'invalid_request_error', param: 'input[2]', code: 'invalid_value' } });
    assert.ok('event' in enc.frame && enc.frame.event === 'response.failed');
    const data = JSON.parse((enc.frame as { data: string }).data);
    assert.equal(data.type, 'response.failed');
    assert.deepEqual(data.response.error, { code: 'invalid_prompt', message: 'bad field' });
    const rl = openaiResponses.encodeError(new GatewayError('rate_limit', 'slow', { retryAfterMs: 20000 }));
    assert.equal(rl.status, 429);
    assert.equal((rl.body as { error: { code: string } }).error.code, 'rate_limit_exceeded');
    assert.match(JSON.parse((rl.frame as { data: string }).data).response.error.message, /Please try again in 20s/);
  });

  it('decodes upstream errors: kinds, codes, retry hints from body and headers', () => {
    const rl = openaiResponses.decodeError(429, { error: { message: 'Rate limit reached. Please try again in 20s.', type: 'requests', code: 'rate_limit_exceeded', param: null } }, {});
    assert.equal(rl.kind, 'rate_limit'); assert.equal(rl.info.retryAfterMs, 20000); assert.equal(rl.info.upstreamType, 'requests'); assert.equal(rl.retryable, true);
    const hdr = openaiResponses.decodeError(429, { error: { message: 'x' } }, { 'retry-after': '7' });
    assert.equal(hdr.info.retryAfterMs, 7000);
    const quota = openaiResponses.decodeError(429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota', type: 'insufficient_quota' } }, {});
    assert.equal(quota.code, 'insufficient_quota'); assert.equal(quota.retryable, false);
    const ctx = openaiResponses.decodeError(400, { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' } }, {});
    assert.equal(ctx.kind, 'invalid_request'); assert.equal(ctx.code, 'context_length_exceeded'); assert.equal(ctx.info.param, 'input');
    const text = openaiResponses.decodeError(502, '<html>bad gateway</html>', {});
    assert.equal(text.kind, 'upstream'); assert.equal(text.message, '<html>bad gateway</html>');
    const auth = openaiResponses.decodeError(401, { error: { message: 'Incorrect API key provided' } }, {});
    assert.equal(auth.kind, 'auth');
  });

  it('parses retry durations', () => {
    assert.equal(parseRetryText('Please try again in 1.5s.'), 1500);
    assert.equal(parseRetryText('try again in 600ms'), 600);
    assert.equal(parseRetryText('try again in 1m30s'), 90000);
    assert.equal(parseRetryText('no hint'), undefined);
    assert.equal(retryAfterFromHeaders({ 'retry-after-ms': '250' }), 250);
    assert.equal(retryAfterFromHeaders({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10000);
    assert.equal(retryAfterFromHeaders({ 'x-ratelimit-reset-requests': '2s' }), 2000);
  });
});
