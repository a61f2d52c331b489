/** Legacy completions through the real gateway: pass-through to an OpenAI-compatible /completions, and translated to Anthropic. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeOpenAILegacy, type FakeOpenAILegacy } from '../helpers/fake-openai-legacy';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('legacy /v1/completions (official SDK → gateway)', () => {
  let legacy: FakeOpenAILegacy;
  let anthropic: FakeAnthropic;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    legacy = await startFakeOpenAILegacy();
    anthropic = await startFakeAnthropic();
    gw = await startGateway({
      providers: [
        { id: 'local', type: 'openai-compatible', baseUrl: legacy.baseURL, keys: [{ label: 'lk', key: 'sk-local-1' }], models: ['instruct-1'] },
        { id: 'anth', type: 'anthropic', baseUrl: `${anthropic.url}/v1`, keys: [{ label: 'ak', key: 'sk-ant-1' }], models: ['claude-test-sonnet'] },
      ],
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => { await gw.close(); await legacy.close(); await anthropic.close(); });

  /** The usage record of a request; it lands right after the stream ends, so yield to the loop a bounded number of times. */
  async function recordOf(requestId: string | null) {
    for (let i = 0; i < 200; i++) {
      const rec = gw.gateway.usage.recent(20).find((r) => r.requestId === requestId);
      if (rec) return rec;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error(`no usage record for ${requestId}`);
  }

  const post = (body: unknown) => fetch(`${gw.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  describe('identity (OpenAI-compatible upstream)', () => {
    it('passes the body through with only the model replaced, and answers as the upstream did', async () => {
      const { data, response } = await client.completions.create({ model: 'instruct-1', prompt: 'Say hi', suffix: ' END', max_tokens: 7, temperature: 0.2, top_p: 0.9, stop: ['\n'] }).withResponse();
      assert.equal(data.object, 'text_completion');
      assert.equal(data.choices[0]!.text, 'completion of: Say hi END');
      assert.equal(data.usage?.total_tokens, (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
      assert.equal(response.headers.get('x-switchboard-provider'), 'local');
      assert.equal(response.headers.get('x-mapped-model'), 'instruct-1');
      assert.equal(response.headers.get('x-switchboard-key'), 'lk');
      const up = legacy.completionRequests().at(-1)!;
      assert.deepEqual(up.body, { model: 'instruct-1', prompt: 'Say hi', suffix: ' END', max_tokens: 7, temperature: 0.2, top_p: 0.9, stop: ['\n'] });
      assert.equal(up.headers.authorization, 'Bearer sk-local-1');
    });

    it('serves a batch of prompts and token-id prompts', async () => {
      const batch = await client.completions.create({ model: 'instruct-1', prompt: ['one', 'two'] });
      assert.deepEqual(batch.choices.map((c) => c.text), ['completion of: one', 'completion of: two']);
      const tokens = await client.completions.create({ model: 'instruct-1', prompt: [1, 2, 3] });
      assert.equal(tokens.choices[0]!.text, 'completion of: tokens [1,2,3]');
    });

    it('streams legacy chunks, hiding the usage chunk it asked for on the caller\'s behalf', async () => {
      const { data: stream, response } = await client.completions.create({ model: 'instruct-1', prompt: 'stream me', stream: true }).withResponse();
      let text = '';
      const chunks = [];
      for await (const c of stream) { chunks.push(c); text += c.choices[0]?.text ?? ''; }
      assert.equal(text, 'completion of: stream me');
      assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'stop');
      assert.ok(chunks.every((c) => c.choices.length > 0 && !c.usage), 'no usage-only chunk reached the caller');
      const up = legacy.completionRequests().at(-1)!.body as { stream_options?: { include_usage?: boolean } };
      assert.equal(up.stream_options?.include_usage, true);
      const rec = await recordOf(response.headers.get('x-request-id'));
      assert.equal(rec.stream, true);
      assert.ok(rec.inputTokens > 0 && rec.outputTokens > 0, 'stream usage was accounted');
    });

    it('streams bytes unchanged when the caller asked for usage', async () => {
      const body = { model: 'instruct-1', prompt: 'x', stream: true, stream_options: { include_usage: true } };
      const res = await post(body);
      const text = await res.text();
      const direct = await (await fetch(`${legacy.baseURL}/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).text();
      assert.match(direct, /"usage":\{"prompt_tokens"/);
      assert.equal(text, direct);
      assert.equal(legacy.completionRequests().at(-2)!.rawBody, JSON.stringify(body));
    });

    it('ends a stream that breaks off before [DONE] with an incomplete_stream error event, and accounts it as failed', async () => {
      const res = await post({ model: 'instruct-1', prompt: 'cut me off', stream: true });
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /"text":"compl"/, 'the part that arrived was relayed');
      const frames = text.split('\n\n').filter(Boolean);
      const last = JSON.parse(frames.at(-1)!.replace(/^data: /, '')) as { error?: { code?: string } };
      assert.equal(last.error?.code, 'incomplete_stream');
      const rec = await recordOf(res.headers.get('x-request-id'));
      assert.equal(rec.errorCode, 'incomplete_stream');
      assert.equal(rec.status, 502);
    });
  });

  describe('translated (Anthropic upstream)', () => {
    it('answers a text_completion from the chat answer, with usage and the legacy 16-token default', async () => {
      const { data, response } = await client.completions.create({ model: 'claude-test-sonnet', prompt: 'hello anthropic', temperature: 0.5, stop: ['STOP'] }).withResponse();
      assert.equal(data.object, 'text_completion');
      assert.match(data.id, /^cmpl-/);
      assert.equal(data.choices[0]!.text, 'echo: hello anthropic');
      assert.equal(data.choices[0]!.finish_reason, 'stop');
      assert.equal(data.choices[0]!.logprobs, null);
      assert.ok((data.usage?.prompt_tokens ?? 0) > 0 && (data.usage?.completion_tokens ?? 0) > 0);
      assert.equal(response.headers.get('x-switchboard-provider'), 'anth');
      const up = anthropic.messageRequests().at(-1)!.body as { max_tokens: number; messages: unknown; temperature: number; stop_sequences: string[] };
      assert.equal(up.max_tokens, 16);
      assert.equal(up.temperature, 0.5);
      assert.deepEqual(up.stop_sequences, ['STOP']);
      assert.equal((up.messages as unknown[]).length, 1);
      assert.ok(JSON.stringify(up.messages).includes('hello anthropic'));
    });

    it('prepends the prompt with echo', async () => {
      const r = await client.completions.create({ model: 'claude-test-sonnet', prompt: 'abc', echo: true, max_tokens: 50 });
      assert.equal(r.choices[0]!.text, 'abcecho: abc');
      assert.equal((anthropic.messageRequests().at(-1)!.body as { max_tokens: number }).max_tokens, 50);
    });

    it('streams text_completion chunks (with echo and usage when asked)', async () => {
      const { data: stream, response } = await client.completions.create({ model: 'claude-test-sonnet', prompt: ['streamed'], stream: true, echo: true, stream_options: { include_usage: true } }).withResponse();
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
      assert.equal(text, 'streamedecho: streamed');
      assert.ok(chunks.every((c) => c.object === 'text_completion' && /^cmpl-/.test(c.id)));
      assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
      const finish = chunks.find((c) => c.choices[0]?.finish_reason);
      assert.equal(finish?.choices[0]!.finish_reason, 'stop');
      const last = chunks.at(-1)!;
      assert.equal(last.choices.length, 0);
      assert.ok((last.usage?.completion_tokens ?? 0) > 0);
      const rec = await recordOf(response.headers.get('x-request-id'));
      assert.equal(rec.provider, 'anth');
      assert.equal(rec.outputTokens, last.usage?.completion_tokens);
    });

    it('refuses what a chat upstream cannot honour with 400 unsupported_parameter', async () => {
      for (const [body, param] of [
        [{ model: 'claude-test-sonnet', prompt: 'x', suffix: 'y' }, 'suffix'],
        [{ model: 'claude-test-sonnet', prompt: [1, 2] }, 'prompt'],
        [{ model: 'claude-test-sonnet', prompt: ['a', 'b'] }, 'prompt'],
        [{ model: 'claude-test-sonnet', prompt: 'x', n: 2 }, 'n'],
      ] as const) {
        const res = await post(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        const err = ((await res.json()) as { error: { code: string; param: string } }).error;
        assert.equal(err.code, 'unsupported_parameter');
        assert.equal(err.param, param);
      }
    });
  });

  it('rejects a malformed prompt and an unknown model in the OpenAI error shape', async () => {
    let res = await post({ model: 'instruct-1', prompt: { a: 1 } });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'prompt');
    res = await post({ model: 'nope', prompt: 'x' });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'model_not_found');
  });
});
