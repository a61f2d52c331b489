/** Oversized bodies are refused with 413 in the caller's format, and the connection stays usable. */
import assert from 'node:assert/strict';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('request body limit', () => {
  let gw: TestGateway;
  before(async () => { gw = await startGateway({ server: { bodyLimit: 2048 }, providers: [{ id: 'o', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', keys: [], models: ['m'] }] }); });
  after(() => gw.close());

  it('answers 413 request_too_large (OpenAI and Anthropic shapes)', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: big });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'request_too_large');
    const an = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: big });
    assert.equal(an.status, 413);
    assert.equal(((await an.json()) as { type: string; error: { type: string } }).error.type, 'request_too_large');
    const small = await fetch(`${gw.url}/healthz`);
    assert.equal(small.status, 200);
  });
});
