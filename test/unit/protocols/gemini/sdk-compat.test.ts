/**
 * The codec against real peers over 127.0.0.1: upstream, its encoded requests go to the fake Gemini and its decoders
 * read the answers; inbound, the official @google/genai SDK reads what its encoders produce.
 */
import assert from 'node:assert/strict';
import { GoogleGenAI } from '@google/genai';
import type { ChatRequest, ChatResponse, StreamEvent, ToolCallPart } from '../../../../src/gateway/core/model';
import { runSteps } from '../../../../src/gateway/core/stream';
import { gemini, parseModelAction } from '../../../../src/gateway/protocols/gemini';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { encodeSse } from '../../../../src/gateway/sse/encode';
import { startFakeGemini, type FakeGemini } from '../../../helpers/fake-gemini';
import { startFakeServer, writeJson, type FakeServer } from '../../../helpers/fake-server';

async function post(fake: FakeGemini, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${fake.url}/v1beta${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' }, body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('gemini codec against the fake upstream', () => {
  let fake: FakeGemini;
  before(async () => { fake = await startFakeGemini(); });
  after(() => fake.close());

  const tools = [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];

  it('runs a whole tool loop: id-less call, result matched back by name recovery', async () => {
    const req: ChatRequest = { model: 'alias', stream: false, tools, messages: [{ role: 'user', parts: [{ type: 'text', text: 'please use tool' }] }] };
    const first = gemini.encodeRequest(req, 'gemini-2.5-pro');
    const r1 = await post(fake, first.path, first.body);
    const res1 = gemini.decodeResponse(JSON.parse(r1.text));
    const call = res1.content.find((p): p is ToolCallPart => p.type === 'tool-call')!;
    assert.equal(res1.finish.reason, 'tool-calls');
    assert.equal(call.name, 'lookup');
    const next: ChatRequest = { ...req, messages: [...req.messages,
      { role: 'assistant', parts: [call] },
      { role: 'tool', parts: [{ type: 'tool-result', callId: call.callId, content: [{ type: 'text', text: 'found it' }] }] }] };
    const second = gemini.encodeRequest(next, 'gemini-2.5-pro');
    const r2 = await post(fake, second.path, second.body);
    const res2 = gemini.decodeResponse(JSON.parse(r2.text));
    assert.deepEqual(res2.content, [{ type: 'text', text: 'Tool lookup returned {"result":"found it"}' }]);
  });

  it('streams with thoughts and decodes usage from the last chunk', async () => {
    const req: ChatRequest = { model: 'a', stream: true, reasoning: { effort: 'low' }, messages: [{ role: 'user', parts: [{ type: 'text', text: 'hello' }] }] };
    const call = gemini.encodeRequest(req, 'gemini-2.5-flash');
    const r = await post(fake, call.path, call.body);
    assert.match(fake.requests.at(-1)!.url, /alt=sse/);
    const events = runSteps(decodeSseText(r.text), gemini.decodeStream());
    const text = events.filter((e): e is Extract<StreamEvent, { type: 'text-delta' }> => e.type === 'text-delta').map((e) => e.text).join('');
    assert.equal(text, 'Echo: hello');
    assert.ok(events.some((e) => e.type === 'reasoning-delta'));
    assert.ok(events.some((e) => e.type === 'reasoning-signature'));
    const fin = events.at(-1);
    assert.equal(fin?.type, 'finish');
    if (fin?.type === 'finish') assert.ok((fin.usage?.reasoningTokens ?? 0) > 0);
  });
});

describe('gemini codec read by @google/genai (inbound)', () => {
  let server: FakeServer;
  let ai: GoogleGenAI;
  const seen: ChatRequest[] = [];

  const answer: ChatResponse = {
    id: 'msg_1', model: 'claude-x',
    content: [
      { type: 'reasoning', text: 'Let me look.', signature: 'SIGA' },
      { type: 'text', text: 'Looking it up.' },
      { type: 'tool-call', callId: 'toolu_9', name: 'lookup', argsJson: '{"q":"cats"}' },
    ],
    finish: { reason: 'tool-calls', raw: 'tool_use' },
    usage: { inputTokens: 12, outputTokens: 8, reasoningTokens: 3 },
  };
  const events: StreamEvent[] = [
    { type: 'start', id: 'msg_1', model: 'claude-x' },
    { type: 'reasoning-start', index: 0 }, { type: 'reasoning-delta', index: 0, text: 'Let me look.' },
    { type: 'reasoning-signature', index: 0, signature: 'SIGA' }, { type: 'reasoning-end', index: 0 },
    { type: 'text-start', index: 1 }, { type: 'text-delta', index: 1, text: 'Looking ' }, { type: 'text-delta', index: 1, text: 'it up.' },
    { type: 'text-end', index: 1 },
    { type: 'tool-start', index: 2, callId: 'toolu_9', name: 'lookup' }, { type: 'tool-delta', index: 2, argsJson: '{"q":' },
    { type: 'tool-delta', index: 2, argsJson: '"cats"}' }, { type: 'tool-end', index: 2 },
    { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 12, outputTokens: 8 } },
  ];

  before(async () => {
    server = await startFakeServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const target = parseModelAction(url.pathname.replace('/v1beta/models/', ''))!;
      const ctx = { params: { ...target }, headers: {}, query: Object.fromEntries(url.searchParams) };
      const canonical = gemini.decodeRequest(req.body as Record<string, unknown>, ctx);
      seen.push(canonical);
      if (!canonical.stream) { writeJson(res, 200, gemini.encodeResponse(answer, canonical)); return; }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const frame of runSteps(events, gemini.encodeStream(canonical))) res.write(encodeSse(frame));
      res.end();
    });
    ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } });
  });
  after(() => server.close());

  it('reads a non-streamed answer: thoughts, text, call with id, usage', async () => {
    const res = await ai.models.generateContent({ model: 'my-alias', contents: 'find cats', config: { maxOutputTokens: 50 } });
    assert.equal(seen.at(-1)!.model, 'my-alias');
    assert.equal(seen.at(-1)!.maxTokens, 50);
    const parts = res.candidates?.[0]?.content?.parts ?? [];
    assert.equal(parts.filter((p) => !p.thought && p.text).map((p) => p.text).join(''), 'Looking it up.');
    assert.deepEqual(res.functionCalls, [{ name: 'lookup', args: { q: 'cats' }, id: 'toolu_9' }]);
    assert.equal(res.candidates?.[0]?.content?.parts?.[0]?.thought, true);
    assert.equal(res.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature, 'SIGA');
    assert.equal(res.usageMetadata?.thoughtsTokenCount, 3);
    assert.equal(res.responseId, 'msg_1');
  });

  it('reads a streamed answer chunk by chunk', async () => {
    const stream = await ai.models.generateContentStream({ model: 'my-alias', contents: 'find cats' });
    let text = '';
    const calls: unknown[] = [];
    let finish: string | undefined;
    let usage: number | undefined;
    for await (const c of stream) {
      const parts = c.candidates?.[0]?.content?.parts ?? [];
      text += parts.filter((p) => !p.thought && p.text).map((p) => p.text).join('');
      calls.push(...(c.functionCalls ?? []));
      finish = c.candidates?.[0]?.finishReason ?? finish;
      usage = c.usageMetadata?.totalTokenCount ?? usage;
    }
    assert.equal(seen.at(-1)!.stream, true);
    assert.equal(text, 'Looking it up.');
    assert.deepEqual(calls, [{ name: 'lookup', args: { q: 'cats' }, id: 'toolu_9' }]);
    assert.equal(finish, 'STOP');
    assert.equal(usage, 20);
  });

  it('decodes the SDK\'s function-response follow-up back to the call id', async () => {
    await ai.models.generateContent({
      model: 'my-alias',
      contents: [
        { role: 'user', parts: [{ text: 'find cats' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'cats' }, id: 'toolu_9' }, thoughtSignature: 'SIGA' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'lookup', id: 'toolu_9', response: { output: '3 cats' } } }] },
      ],
    });
    const req = seen.at(-1)!;
    assert.deepEqual(req.messages[1]!.parts, [
      { type: 'reasoning', text: '', signature: 'SIGA' },
      { type: 'tool-call', callId: 'toolu_9', name: 'lookup', argsJson: '{"q":"cats"}' },
    ]);
    const result = req.messages[2]!.parts[0]!;
    assert.equal(result.type === 'tool-result' && result.callId, 'toolu_9');
    assert.deepEqual(result.type === 'tool-result' && result.content, [{ type: 'text', text: '3 cats' }]);
  });
});
