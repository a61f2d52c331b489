/** No secret ever reaches a log line, an error body or a stored file. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

const PROVIDER_SENTINEL = 'sk-SENTINELprovider7Qx9LmZ2';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('secrets never leak', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  const seen: string[] = [];

  before(async () => {
    fake = await startFakeOpenAI({ apiKeys: [PROVIDER_SENTINEL] });
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'sentinel', key: PROVIDER_SENTINEL }], models: ['gpt-fake'] }] });
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('keeps both sentinels out of bodies, headers, logs and the data folder across success and failure paths', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    const capture = async (p: Promise<unknown>) => { try { seen.push(JSON.stringify(await p)); } catch (e) { seen.push(String(e), JSON.stringify(e)); } };
    await capture(client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'ok' }] }));
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'ok' }] });
    for await (const c of stream) seen.push(JSON.stringify(c));
    // The upstream echoes the key in its error, as some providers do.
    fake.enqueue({ kind: 'error', status: 401, message: `Incorrect API key provided: ${PROVIDER_SENTINEL}`, code: 'invalid_api_key' });
    await capture(client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'fail' }] }));
    fake.enqueue({ kind: 'error', status: 500, message: `internal error for key ${PROVIDER_SENTINEL}` });
    await capture(client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'fail' }] }));
    await capture(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: `${gw.key}x`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }));
    const raw = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: '{"model":"gpt-fake","messages":[{"role":"user","content":"x"}]}' });
    seen.push(JSON.stringify([...raw.headers]), await raw.text());
    await gw.gateway.usage.flush();
    const stored = filesUnder(gw.dataDir).map((f) => fs.readFileSync(f, 'utf8'));
    const everything = [...seen, ...gw.logs, ...stored].join('\n');
    assert.ok(gw.logs.length > 0 && stored.length > 0, 'there was something to search');
    assert.ok(!everything.includes(PROVIDER_SENTINEL), 'provider key leaked');
    assert.ok(!everything.includes(gw.key), 'gateway key leaked');
  });
});

describe('request inspector', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeOpenAI({ apiKeys: [PROVIDER_SENTINEL] });
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'sentinel', key: PROVIDER_SENTINEL }], models: ['gpt-fake'] }] });
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('captures inbound, upstream and response with every secret redacted, and forgets when turned off', async () => {
    const inspector = gw.gateway.inspector;
    assert.equal(inspector.enabled, false, 'off by default');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'not captured' }] });
    assert.equal(inspector.entries().length, 0);
    inspector.setEnabled(true);
    await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: `inspect me ${PROVIDER_SENTINEL}` }] });
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'inspect the stream' }] });
    for await (const _ of stream) { /* drain */ }
    const entries = inspector.entries();
    assert.equal(entries.length, 2);
    const [plain, streamed] = entries;
    assert.match(plain!.inbound.body, /inspect me/);
    assert.equal(plain!.inbound.headers.authorization, '[redacted]');
    assert.ok(plain!.upstream?.url.endsWith('/chat/completions'));
    assert.equal(plain!.upstream?.headers.authorization, '[redacted]');
    assert.equal(plain!.response?.status, 200);
    assert.equal(streamed!.response?.stream, true);
    assert.match(streamed!.response!.body, /data: \[DONE\]/);
    const dump = JSON.stringify(entries);
    assert.ok(!dump.includes(PROVIDER_SENTINEL) && !dump.includes(gw.key), 'a secret reached the inspector');
    inspector.setEnabled(false);
    assert.equal(inspector.entries().length, 0, 'cleared when turned off');
  });
});
