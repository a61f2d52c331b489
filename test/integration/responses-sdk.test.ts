/**
 * The Responses API through the real gateway with the official SDK, against every upstream type that can serve it:
 * the Responses fake natively, and the OpenAI chat, Anthropic and Gemini fakes by translation.
 */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent, Tool } from 'openai/resources/responses/responses';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeGemini, type FakeGemini } from '../helpers/fake-gemini';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startFakeResponses, type FakeResponses } from '../helpers/fake-responses';
import { startGateway, type TestGateway } from '../helpers/gateway';
import type { LoggedRequest } from '../helpers/fake-server';

// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const TOOLS: Tool[] = [{
  type: 'function', name: 'lookup', description: 'Looks a thing up', strict: false,
  parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
}];

interface Upstream { name: string; model: string; last(): LoggedRequest }

describe('Responses API (official SDK → gateway → each upstream type)', () => {
  let responses: FakeResponses;
  let chat: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    responses = await startFakeResponses();
    chat = await startFakeOpenAI({ reasoning: 'Pondering the question.' });
    anthropic = await startFakeAnthropic();
    gemini = await startFakeGemini();
    gw = await startGateway({
      providers: [
        { id: 'resp', type: 'openai-responses', baseUrl: responses.baseUrl, keys: [{ label: 'rk', key: 'sk-resp-1' }], models: ['resp-model'] },
        { id: 'chat', type: 'openai-compatible', baseUrl: chat.baseURL, keys: [{ label: 'ck', key: 'sk-chat-1' }], models: ['gpt-fake'] },
        { id: 'anth', type: 'anthropic', baseUrl: `${anthropic.url}/v1`, keys: [{ label: 'ak', key: 'sk-ant-1' }], models: ['claude-test-sonnet'] },
        { id: 'gem', type: 'gemini', baseUrl: `${gemini.url}/v1beta`, keys: [{ label: 'gk', key: 'g-key-1' }], models: ['gemini-2.5-flash'] },
      ],
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => { await gw.close(); await responses.close(); await chat.close(); await anthropic.close(); await gemini.close(); });

  const upstreams = (): Upstream[] => [
    { name: 'responses (native)', model: 'resp-model', last: () => responses.requests.at(-1)! },
    { name: 'openai chat', model: 'gpt-fake', last: () => chat.chatRequests().at(-1)! },
    { name: 'anthropic', model: 'claude-test-sonnet', last: () => anthropic.messageRequests().at(-1)! },
    { name: 'gemini', model: 'gemini-2.5-flash', last: () => gemini.requests.at(-1)! },
  ];

  for (const u of upstreams()) {
    describe(u.name, () => {
      it('answers a non-streamed request', async () => {
        const r = await client.responses.create({ model: u.model, input: 'hello from sdk', instructions: 'Be brief.' });
        assert.equal(r.object, 'response');
        assert.equal(r.status, 'completed');
        assert.match(r.output_text, /hello from sdk/i);
        assert.ok((r.usage?.input_tokens ?? 0) > 0 && (r.usage?.output_tokens ?? 0) > 0);
        assert.ok(JSON.stringify(u.last().body).includes('Be brief.'), 'instructions reached the upstream');
      });

      it('streams events ending with response.completed', async () => {
        const stream = await client.responses.create({ model: u.model, input: 'stream this please', stream: true });
        const events: ResponseStreamEvent[] = [];
        for await (const e of stream) events.push(e);
        assert.equal(events[0]!.type, 'response.created');
        const done = events.at(-1)!;
        assert.equal(done.type, 'response.completed');
        const deltas = events.filter((e): e is Extract<ResponseStreamEvent, { type: 'response.output_text.delta' }> => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
        assert.match(deltas, /stream this please/i);
        if (done.type === 'response.completed') {
          assert.equal(done.response.output_text ?? deltas, deltas);
          assert.ok((done.response.usage?.output_tokens ?? 0) > 0);
        }
        assert.ok(events.some((e) => e.type === 'response.output_item.done'));
      });

      it('round-trips a function call (function_call, then function_call_output)', async () => {
        const first = await client.responses.create({ model: u.model, input: 'please use tool lookup', tools: TOOLS });
        const call = first.output.find((o) => o.type === 'function_call');
        assert.ok(call && call.type === 'function_call', `expected a function_call, got ${JSON.stringify(first.output)}`);
        assert.equal(call.name, 'lookup');
        assert.doesNotThrow(() => JSON.parse(call.arguments));
        const input: ResponseInputItem[] = [
          { role: 'user', content: 'please use tool lookup' },
          { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: 'function_call_output', call_id: call.call_id, output: 'RESULT-42' },
        ];
        const second = await client.responses.create({ model: u.model, input, tools: TOOLS, stream: true });
        let text = '';
        for await (const e of second) if (e.type === 'response.output_text.delta') text += e.delta;
        assert.match(text, /RESULT-42/);
        assert.ok(JSON.stringify(u.last().body).includes(call.call_id.replace(/^fc_/, '')) || u.name === 'gemini', 'the call id reached the upstream');
      });

      it('sends an image input in the upstream\'s format', async () => {
        const r = await client.responses.create({
          model: u.model,
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'describe image' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' }] }],
        });
        assert.match(r.output_text, /describe image/);
        assert.ok(JSON.stringify(u.last().body).includes(PNG.slice(0, 40)), 'the image bytes reached the upstream');
      });

      it('returns a reasoning summary when reasoning is requested', async () => {
        const r = await client.responses.create({ model: u.model, input: 'think about it', reasoning: { effort: 'low', summary: 'auto' } });
        const reasoning = r.output.find((o) => o.type === 'reasoning');
        assert.ok(reasoning && reasoning.type === 'reasoning', `no reasoning item in ${JSON.stringify(r.output)}`);
        const summary = reasoning.summary.map((s) => s.text).join('');
        assert.ok(summary.length > 0, 'the summary has text');
        assert.match(r.output_text, /think about it/);
      });
    });
  }

  describe('raw pass-through (X-Codex-Mode: raw / X-Codex-Raw-Passthrough: true)', () => {
    for (const header of [{ 'x-codex-mode': 'raw' }, { 'x-codex-raw-passthrough': 'true' }] as Array<Record<string, string>>) {
      it(`forwards the body untouched and streams back identical bytes (${Object.keys(header)[0]})`, async () => {
        const body = {
          model: 'resp-model', stream: true, store: false, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'raw one' }] }],
          tools: [{ type: 'custom', name: 'apply_patch', description: 'freeform' }], include: ['reasoning.encrypted_content'],
          prompt_cache_key: 'abc', text: { verbosity: 'low' }, some_future_field: { x: [1, 2, 3] },
        };
        const sent = JSON.stringify(body);
        const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...header }, body: sent });
        assert.equal(res.status, 200);
        const got = await res.text();
        assert.equal(responses.requests.at(-1)!.rawBody, sent, 'the upstream got the exact bytes');
        const direct = await (await fetch(`${responses.baseUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sent })).text();
        assert.equal(got, direct, 'the caller got the exact upstream bytes');
      });
    }
  });
});
