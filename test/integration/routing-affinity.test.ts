/**
 * Prompt caches stay warm: successive requests of one conversation (`session_id`, `x-claude-code-session-id`
 * or `prompt_cache_key`) stick to one upstream key while it is healthy, and move when it cools down.
 * The fakes' logs (Authorization / x-api-key) say which key each request used.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startGateway, type TestGateway } from '../helpers/gateway';

const OA = ['sk-affinity-oa-key-0001', 'sk-affinity-oa-key-0002', 'sk-affinity-oa-key-0003'];
const AN = ['sk-affinity-an-key-0001', 'sk-affinity-an-key-0002', 'sk-affinity-an-key-0003'];

describe('session affinity keeps one conversation on one upstream key', () => {
  let fakeOa: FakeOpenAI;
  let fakeAn: FakeAnthropic;
  let gw: TestGateway;
  let openai: OpenAI;

  beforeEach(async () => {
    fakeOa = await startFakeOpenAI();
    fakeAn = await startFakeAnthropic();
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: fakeOa.baseURL, keys: OA.map((key, i) => ({ label: `oa${i + 1}`, key })), models: ['gpt-fake'] },
        { id: 'an', type: 'anthropic', baseUrl: `${fakeAn.url}/v1`, keys: AN.map((key, i) => ({ label: `an${i + 1}`, key })), models: ['claude-fake'] },
      ],
      routing: { maxAttempts: 5, cooldownMs: 60_000 },
    });
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  afterEach(async () => { await gw.close(); await fakeOa.close(); await fakeAn.close(); });

  const lastBearer = (): string | undefined => fakeOa.chatRequests().at(-1)!.headers.authorization;
  const chat = (content: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    openai.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers }).withResponse();

  it('without a session, requests rotate over the keys (the baseline the other tests rely on)', async () => {
    const labels: Array<string | null> = [];
    for (let i = 0; i < 3; i++) labels.push((await chat(`n${i}`)).response.headers.get('x-switchboard-key'));
    assert.deepEqual(labels, ['oa1', 'oa2', 'oa3']);
  });

  it('`session_id`: every turn of a conversation uses the same key, while other traffic rotates', async () => {
    const first = await chat('turn 0', { session_id: 'conv-1' });
    const sticky = first.response.headers.get('x-switchboard-key');
    const stickyBearer = lastBearer();
    for (let turn = 1; turn <= 5; turn++) {
      await chat(`other ${turn}`); // moves the round robin
      const r = await chat(`turn ${turn}`, { session_id: 'conv-1' });
      assert.equal(r.response.headers.get('x-switchboard-key'), sticky);
      assert.equal(lastBearer(), stickyBearer);
    }
    const others = fakeOa.chatRequests().filter((r) => /other/.test(JSON.stringify(r.body))).map((r) => r.headers.authorization);
    assert.ok(new Set(others).size > 1, 'the other requests did rotate');
  });

  it('two conversations can sit on different keys, each sticking to its own', async () => {
    const k1 = (await chat('a0', { session_id: 'conv-a' })).response.headers.get('x-switchboard-key');
    const k2 = (await chat('b0', { session_id: 'conv-b' })).response.headers.get('x-switchboard-key');
    assert.notEqual(k1, k2);
    for (let i = 1; i <= 3; i++) {
      assert.equal((await chat(`b${i}`, { session_id: 'conv-b' })).response.headers.get('x-switchboard-key'), k2);
      assert.equal((await chat(`a${i}`, { session_id: 'conv-a' })).response.headers.get('x-switchboard-key'), k1);
    }
  });

  it('when the sticky key cools down (429) the conversation moves, and then sticks to its new key', async () => {
    const before = (await chat('t0', { session_id: 'conv-2' })).response.headers.get('x-switchboard-key');
    const beforeBearer = lastBearer();
    fakeOa.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '300' }, message: 'Rate limit reached' });
    const moved = await chat('t1', { session_id: 'conv-2' });
    const after = moved.response.headers.get('x-switchboard-key');
    assert.notEqual(after, before);
    const log = fakeOa.chatRequests();
    assert.equal(log.at(-2)!.headers.authorization, beforeBearer, 'the 429 came from the sticky key');
    assert.notEqual(log.at(-1)!.headers.authorization, beforeBearer);
    const afterBearer = lastBearer();
    for (let i = 2; i <= 4; i++) {
      await chat(`noise ${i}`);
      assert.equal((await chat(`t${i}`, { session_id: 'conv-2' })).response.headers.get('x-switchboard-key'), after);
      assert.equal(lastBearer(), afterBearer);
    }
    // The cooled key is not used by anyone meanwhile.
    const sinceCooling = fakeOa.chatRequests().slice(log.length);
    assert.ok(sinceCooling.every((r) => r.headers.authorization !== beforeBearer), 'the cooling key got no request');
  });

  it('`prompt_cache_key` in the body keeps a conversation on one key too', async () => {
    const first = await chat('p0', {}, { prompt_cache_key: 'cache-xyz' });
    const sticky = first.response.headers.get('x-switchboard-key');
    for (let i = 1; i <= 4; i++) {
      await chat(`other ${i}`);
      assert.equal((await chat(`p${i}`, {}, { prompt_cache_key: 'cache-xyz' })).response.headers.get('x-switchboard-key'), sticky);
    }
    assert.equal(fakeOa.chatRequests().at(-1)!.headers.authorization, `Bearer ${OA[Number(sticky!.slice(2)) - 1]}`);
  });

  it('`x-claude-code-session-id` keeps a Claude Code conversation on one Anthropic key, and moves it after a 429', async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    const send = (content: string, session?: string) => anthropic.messages.create(
      { model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content }] },
      session ? { headers: { 'x-claude-code-session-id': session } } : {},
    ).withResponse();
    const lastKey = (): unknown => fakeAn.messageRequests().at(-1)!.headers['x-api-key'];
    const sticky = (await send('c0', 'cc-session')).response.headers.get('x-switchboard-key');
    const stickyKey = lastKey();
    for (let i = 1; i <= 3; i++) {
      await send(`other ${i}`);
      assert.equal((await send(`c${i}`, 'cc-session')).response.headers.get('x-switchboard-key'), sticky);
      assert.equal(lastKey(), stickyKey);
    }
    fakeAn.enqueue({ kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down', headers: { 'retry-after': '300' } });
    const moved = (await send('c4', 'cc-session')).response.headers.get('x-switchboard-key');
    assert.notEqual(moved, sticky);
    const movedKey = lastKey();
    assert.notEqual(movedKey, stickyKey);
    assert.equal((await send('c5', 'cc-session')).response.headers.get('x-switchboard-key'), moved);
    assert.equal(lastKey(), movedKey);
  });
});
