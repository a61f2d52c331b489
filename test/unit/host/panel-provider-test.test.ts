import assert from 'node:assert/strict';
import { testProvider } from '../../../src/host/panel/provider-test';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { startFakeServer, writeJson, type FakeServer } from '../../helpers/fake-server';

const KEY = 'sk-SENTINEL-panel-test-key-42424242';

describe('host/panel provider test (one GET of the model list)', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let echo: FakeServer;
  before(async () => {
    openai = await startFakeOpenAI({ apiKeys: [KEY], models: ['m1', 'm2', 'm3'] });
    anthropic = await startFakeAnthropic({ models: ['claude-x'] });
    // Answers 403 and echoes the key back, as some upstream errors do.
    echo = await startFakeServer((req, res) => writeJson(res, 403, { error: { message: `key ${String(req.headers.authorization)} is not allowed` } }));
  });
  after(async () => { await openai.close(); await anthropic.close(); await echo.close(); });

  it('reports ok with the model count and latency, using the first key', async () => {
    const r = await testProvider({ id: 'oa', type: 'openai', baseUrl: openai.baseURL, keys: [{ label: 'main', key: KEY }, { label: 'b', key: 'other-key-xxxxxxxx' }] });
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /3 models/);
    assert.match(r.message, /"main"/);
    assert.equal(typeof r.latencyMs, 'number');
    const seen = openai.requests.at(-1)!;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/v1/models');
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
  });

  it('reports the status on a rejected key, without the key', async () => {
    const r = await testProvider({ id: 'oa', type: 'openai', baseUrl: openai.baseURL, keys: ['sk-wrong-key-123456789'] });
    assert.equal(r.ok, false);
    assert.match(r.message, /HTTP 401/);
    assert.ok(!r.message.includes('sk-wrong-key-123456789'));
  });

  it('masks a key the upstream echoes back in its error', async () => {
    const r = await testProvider({ id: 'e', type: 'openai-compatible', baseUrl: echo.url, keys: [KEY] });
    assert.equal(r.ok, false);
    assert.match(r.message, /HTTP 403/);
    assert.ok(!r.message.includes(KEY), r.message);
    assert.match(r.message, /\*\*\*/);
  });

  it('uses the provider type\'s auth scheme (Anthropic: x-api-key + anthropic-version)', async () => {
    const r = await testProvider({ id: 'an', type: 'anthropic', baseUrl: anthropic.url + '/v1', keys: [KEY] });
    assert.equal(r.ok, true, r.message);
    const seen = anthropic.requests.at(-1)!;
    assert.equal(seen.headers['x-api-key'], KEY);
    assert.ok(seen.headers['anthropic-version']);
  });

  it('fails within the timeout when the upstream never answers', async () => {
    const silent = await startFakeServer(() => { /* never replies */ });
    try {
      const r = await testProvider({ id: 's', type: 'openai-compatible', baseUrl: silent.url, keys: [KEY] }, { timeoutMs: 300 });
      assert.equal(r.ok, false);
      assert.match(r.message, /300 ms|timeout/i);
    } finally { await silent.close(); }
  });

  it('fails cleanly when nothing listens', async () => {
    const gone = await startFakeServer(() => undefined);
    const url = gone.url;
    await gone.close();
    const r = await testProvider({ id: 'g', type: 'openai-compatible', baseUrl: url, keys: [KEY] }, { timeoutMs: 2000 });
    assert.equal(r.ok, false);
    assert.match(r.message, /Request failed/);
    assert.ok(!r.message.includes(KEY));
  });
});
