import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { InspectorEntry } from '../../../src/gateway/inspector/inspector';
import { curlCommand, replayPath, replayRequest } from '../../../src/host/panel/inspector-replay';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { startGateway, type TestGateway } from '../../helpers/gateway';

const UPSTREAM_KEY = 'sk-SENTINEL-inspector-upstream-77';

describe('host/panel inspector actions (curl, replay) against a real gateway', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  let entry: InspectorEntry;

  before(async () => {
    fake = await startFakeOpenAI({ apiKeys: [UPSTREAM_KEY] });
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'main', key: UPSTREAM_KEY }], models: ['gpt-fake'] }] });
    gw.gateway.inspector.setEnabled(true);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'x-trace': "it's me" },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'inspect me' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    entry = gw.gateway.inspector.entries().at(-1)!;
    assert.ok(entry, 'captured');
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('a streamed answer is captured with its routing headers', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'stream me' }] }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const streamed = gw.gateway.inspector.entries().at(-1)!;
    assert.equal(streamed.response?.stream, true);
    assert.equal(streamed.response?.headers['x-mapped-model'], 'gpt-fake');
    assert.equal(streamed.response?.headers['x-switchboard-provider'], 'oa');
    assert.equal(streamed.response?.headers['x-request-id'], res.headers.get('x-request-id'));
    assert.match(streamed.response?.body ?? '', /"content":" me"/);
  });

  it('copy as curl: placeholder variable, never a key, and a shell can parse it', () => {
    const cmd = curlCommand(entry, gw.url);
    assert.ok(cmd.includes('-H "authorization: Bearer $SWITCHBOARD_API_KEY"'), cmd);
    assert.ok(!cmd.includes(gw.key) && !cmd.includes(UPSTREAM_KEY) && !cmd.includes('[redacted]'), cmd);
    assert.ok(cmd.includes(`'${gw.url}/v1/chat/completions'`));
    assert.ok(cmd.includes(`'x-trace: it'\\''s me'`), 'single quotes survive');
    // Parse with a real shell (echo instead of curl) to prove the quoting round-trips.
    const args = execFileSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }; SWITCHBOARD_API_KEY=KEY123; ${cmd}`], { encoding: 'utf8' }).split('\n');
    assert.ok(args.includes('authorization: Bearer KEY123'));
    assert.ok(args.includes("x-trace: it's me"));
    assert.deepEqual(JSON.parse(args[args.indexOf('--data-raw') + 1]!), { model: 'gpt-fake', messages: [{ role: 'user', content: 'inspect me' }] });
  });

  it('replay re-sends the captured request with a gateway key', async () => {
    const before = fake.chatRequests().length;
    const r = await replayRequest(entry, gw.url, gw.key);
    assert.equal(r.status, 200);
    assert.equal(fake.chatRequests().length, before + 1);
    assert.deepEqual(fake.lastChatBody().messages, [{ role: 'user', content: 'inspect me' }]);
  });

  it('replay without a valid key is refused by the gateway (401), not silently authorised', async () => {
    assert.equal((await replayRequest(entry, gw.url, 'sb-not-a-key')).status, 401);
  });

  it('drops a redacted ?key= query parameter and uses the protocol\'s auth header', () => {
    const gem: InspectorEntry = { ...entry, protocol: 'gemini', inbound: { ...entry.inbound, path: '/v1beta/models/g:generateContent?key=[redacted]&alt=sse' } };
    assert.equal(replayPath(gem), '/v1beta/models/g:generateContent?alt=sse');
    assert.ok(curlCommand(gem, gw.url).includes('-H "x-goog-api-key: $SWITCHBOARD_API_KEY"'));
    const ant: InspectorEntry = { ...entry, protocol: 'anthropic' };
    assert.ok(curlCommand(ant, gw.url).includes('-H "x-api-key: $SWITCHBOARD_API_KEY"'));
  });

  it('refuses to replay a truncated capture', async () => {
    await assert.rejects(replayRequest({ ...entry, inbound: { ...entry.inbound, truncated: true } }, gw.url, gw.key), /truncated/);
  });
});
