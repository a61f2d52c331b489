/**
 * Parallel bursts against a gateway key's RPM, RPD and concurrency limits, over real HTTP: the gateway admits
 * exactly the limit, refuses the rest with 429, and only admitted requests reach the upstream.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { Agent } from 'undici';
import { createGate, startFakeOpenAI, type FakeOpenAI, type Gate } from '../helpers/fake-openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startGateway, type TestGateway } from '../helpers/gateway';

type AnthropicOptions = NonNullable<ConstructorParameters<typeof Anthropic>[0]>;

describe('gateway key limits under parallel bursts (real HTTP)', function () {
  this.timeout(60_000);
  let oa: FakeOpenAI;
  let an: FakeAnthropic;
  let gw: TestGateway;
  // One connection per request, so the burst really arrives in parallel.
  const agent = new Agent({ connections: 200, pipelining: 0 });
  let seq = 0;

  before(async () => {
    oa = await startFakeOpenAI({ models: ['gpt-fake'] });
    an = await startFakeAnthropic({ models: ['claude-fake'] });
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: `${oa.url}/v1`, keys: ['sk-upstream-oa-0003'], models: ['gpt-fake'] },
        { id: 'an', type: 'anthropic', baseUrl: `${an.url}/v1`, keys: ['sk-ant-upstream-0003'], models: ['claude-fake'] },
      ],
    });
  });
  after(async () => { await gw?.close(); await oa?.close(); await an?.close(); await agent.close(); });

  const post = (key: string, tag: string, stream = false) => fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-fake', stream, messages: [{ role: 'user', content: tag }] }),
    dispatcher: agent,
  } as unknown as RequestInit);

  const upstreamTagged = (tag: string) => oa.chatRequests().filter((r) => JSON.stringify(r.body).includes(tag)).length;

  const codeOf = async (res: Response): Promise<string | undefined> => ((await res.json()) as { error?: { code?: string } }).error?.code;

  for (const [limit, n, burst] of [['rpm', 10, 100], ['rpd', 7, 60]] as const) {
    it(`${burst} parallel requests on a key with ${limit.toUpperCase()} ${n} admit exactly ${n}`, async () => {
      const key = gw.gateway.keys.create({ name: `burst-${limit}-${++seq}`, [limit]: n }).key;
      const tag = `burst-${limit}-${seq}`;
      const results = await Promise.all(Array.from({ length: burst }, () => post(key, tag)));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 429);
      assert.equal(ok.length, n, `admitted ${ok.length}`);
      assert.equal(refused.length, burst - n);
      for (const r of ok) await r.arrayBuffer();
      const codes = new Set(await Promise.all(refused.map(codeOf)));
      assert.deepEqual([...codes], [`rate_limit_${limit}`]);
      for (const r of refused) assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(upstreamTagged(tag), n, 'only admitted requests reached the upstream');
      // The remaining-requests header counts down through every value exactly once.
      const remaining = ok.map((r) => Number(r.headers.get('x-ratelimit-remaining-requests'))).sort((a, b) => a - b);
      assert.deepEqual(remaining, Array.from({ length: n }, (_, i) => i));
    });
  }

  it('100 parallel requests on a key allowing 3 at once: exactly 3 run, 97 get concurrent_limit, then the slots free', async () => {
    const key = gw.gateway.keys.create({ name: `conc-${++seq}`, concurrency: 3 }).key;
    const tag = `conc-${seq}`;
    const gates: Gate[] = [createGate(), createGate(), createGate()];
    // Admitted requests stream their first frame and then wait on a gate: they stay in flight until released.
    for (const gate of gates) oa.enqueue({ kind: 'text', text: 'held open', gate });
    const results = await Promise.all(Array.from({ length: 100 }, () => post(key, tag, true)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    assert.equal(ok.length, 3);
    assert.equal(refused.length, 97);
    const codes = new Set(await Promise.all(refused.map(codeOf)));
    assert.deepEqual([...codes], ['concurrent_limit']);
    assert.equal(refused[0]!.headers.get('retry-after'), '1');
    assert.equal(upstreamTagged(tag), 3);
    assert.equal(oa.pending(), 0, 'all three scripted replies were taken');
    // Still full: one more is refused.
    const more = await post(key, tag);
    assert.equal(more.status, 429);
    await more.arrayBuffer();

    for (const g of gates) g.releaseAll();
    const texts = await Promise.all(ok.map((r) => r.text()));
    for (const t of texts) assert.match(t, /data: \[DONE\]/);
    // All three slots are free again once the streams ended.
    for (let i = 0; i < 200 && gw.gateway.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const again = await Promise.all(Array.from({ length: 3 }, () => post(key, tag)));
    assert.deepEqual(again.map((r) => r.status), [200, 200, 200]);
    for (const r of again) await r.arrayBuffer();
  });

  it('a burst through the Anthropic SDK on /v1/messages: exactly RPM succeed, the rest raise RateLimitError', async () => {
    const key = gw.gateway.keys.create({ name: `burst-an-${++seq}`, rpm: 5 }).key;
    const client = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0, fetchOptions: { dispatcher: agent } as unknown as AnthropicOptions['fetchOptions'] });
    const before = an.messageRequests().length;
    const settled = await Promise.allSettled(Array.from({ length: 40 }, () =>
      client.messages.create({ model: 'claude-fake', max_tokens: 16, messages: [{ role: 'user', content: 'burst' }] })));
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.equal(ok.length, 5);
    assert.equal(failed.length, 35);
    for (const f of failed) {
      assert.ok(f.reason instanceof Anthropic.RateLimitError, String(f.reason));
      assert.equal((f.reason as InstanceType<typeof Anthropic.RateLimitError>).type, 'rate_limit_error');
    }
    assert.equal(an.messageRequests().length - before, 5);
  });
});
