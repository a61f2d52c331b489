import assert from 'node:assert/strict';
import { openaiResponses } from '../../../../src/gateway/protocols/openai-responses';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { ChatRequest, ReasoningPart, ToolCallPart } from '../../../../src/gateway/core/model';
import { encodeReasoningCarry } from '../../../../src/gateway/protocols/openai-responses/reasoning-carry';
import { withDefaultInstructions } from '../../../../src/gateway/protocols/openai-responses/normalize';

const ctx = { params: {}, headers: {}, query: {} };
const decode = (body: Record<string, unknown>): ChatRequest => openaiResponses.decodeRequest(body, ctx);
const encodeBody = (req: ChatRequest, model = 'up-model'): Record<string, unknown> => openaiResponses.encodeRequest(req, model).body as Record<string, unknown>;

function expectInvalid(body: Record<string, unknown>, param: string, code?: string): void {
  assert.throws(() => decode(body), (e: unknown) => {
    assert.ok(GatewayError.is(e));
    assert.equal(e.kind, 'invalid_request');
    assert.equal(e.info.param, param);
    if (code) assert.equal(e.code, code);
    return true;
  });
}

describe('openai-responses request', () => {
  it('decodes model, stream and max_output_tokens (what admission and routing read)', () => {
    const req = openaiResponses.decodeRequest({ model: 'm', stream: true, max_output_tokens: 99, input: 'x' }, ctx);
    assert.deepEqual([req.model, req.stream, req.maxTokens], ['m', true, 99]);
  });

  it('decodes string input, instructions, sampling and limits', () => {
    const req = decode({ model: 'm', input: 'hi', instructions: 'Be brief.', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, stream: true, user: 'u1', metadata: { a: 'b' } });
    assert.deepEqual(req.messages, [
      { role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', text: 'hi' }] },
    ]);
    assert.equal(req.maxTokens, 50); assert.equal(req.temperature, 0.2); assert.equal(req.topP, 0.9);
    assert.equal(req.stream, true); assert.equal(req.user, 'u1'); assert.deepEqual(req.metadata, { a: 'b' });
  });

  it('treats items without type as messages (Kilo) and assistant input_text as output text', () => {
    const req = decode({ model: 'm', input: [
      { role: 'developer', content: 'dev rules' },
      { role: 'user', content: [{ type: 'input_text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'input_text', text: 'a' }] },
    ] });
    assert.equal(req.messages[0]?.role, 'system');
    assert.equal(req.messages[0]?.extra?.['openai-responses']?.role, 'developer');
    assert.deepEqual(req.messages[2], { role: 'assistant', parts: [{ type: 'text', text: 'a' }] });
  });

  it('decodes images (data URL, http URL) and keeps file_id images for a Responses upstream', () => {
    const req = decode({ model: 'm', input: [{ type: 'message', role: 'user', content: [
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
      { type: 'input_image', image_url: 'https://x.test/a.jpg' },
      { type: 'input_image', file_id: 'file-1' },
    ] }] });
    assert.deepEqual(req.messages[0]?.parts, [
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' }, detail: 'low' },
      { type: 'image', source: { kind: 'url', url: 'https://x.test/a.jpg' } },
    ]);
    const body = encodeBody(req);
    const content = (body.input as Array<{ content: unknown[] }>)[0]!.content;
    assert.deepEqual(content[2], { type: 'input_image', file_id: 'file-1' });
    assert.deepEqual(content[0], { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' });
  });

  it('groups reasoning, text and function calls into one assistant message and outputs into a tool message', () => {
    const req = decode({ model: 'm', input: [
      { type: 'message', role: 'user', content: 'go' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'think' }], encrypted_content: 'gAAAAAblob' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'ls', arguments: '{"p":"."}' },
      { type: 'function_call', call_id: 'c2', name: 'cat', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
      { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'x' }, { type: 'input_image', image_url: 'https://i.test/p.png' }] },
    ] });
    assert.equal(req.messages.length, 3);
    const assistant = req.messages[1]!;
    assert.deepEqual(assistant.parts.map((p) => p.type), ['reasoning', 'text', 'tool-call', 'tool-call']);
    const r = assistant.parts[0] as ReasoningPart;
    assert.equal(r.text, 'think');
    assert.equal(r.signature, undefined);
    assert.equal(r.extra?.['openai-responses']?.encrypted_content, 'gAAAAAblob');
    assert.deepEqual(req.messages[2]!.parts.map((p) => p.type === 'tool-result' && p.callId), ['c1', 'c2']);
    const body = encodeBody(req);
    const input = body.input as Array<Record<string, unknown>>;
    assert.deepEqual(input.map((i) => i.type), ['message', 'reasoning', 'message', 'function_call', 'function_call', 'function_call_output', 'function_call_output']);
    assert.equal(input[1]!.encrypted_content, 'gAAAAAblob');
    assert.equal(input[5]!.output, 'a.txt');
    assert.deepEqual(input[6]!.output, [{ type: 'input_text', text: 'x' }, { type: 'input_image', image_url: 'https://i.test/p.png' }]);
  });

  it('restores sbr1 reasoning carries and never replays them to OpenAI', () => {
    const carry = encodeReasoningCarry({ text: 'deep thought', signature: 'EsigAnthropic' });
    const req = decode({ model: 'm', input: [
      { role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_2', summary: [{ type: 'summary_text', text: 'deep thought' }], encrypted_content: carry },
      { type: 'function_call', call_id: 'c', name: 't', arguments: '{}' },
    ] });
    const r = req.messages[1]!.parts[0] as ReasoningPart;
    assert.equal(r.text, 'deep thought');
    assert.equal(r.signature, 'EsigAnthropic');
    assert.equal(r.extra?.['openai-responses']?.encrypted_content, undefined);
    const input = encodeBody(req).input as Array<Record<string, unknown>>;
    assert.ok(!input.some((i) => i.type === 'reasoning'));
  });

  it('hoists additional_tools, unwraps namespaces and maps custom tools (Codex code mode)', () => {
    const req = decode({ model: 'm', tools: [], input: [
      { type: 'additional_tools', role: 'developer', tools: [
        { type: 'namespace', name: 'functions', description: 'Local', tools: [{ type: 'custom', name: 'exec', description: 'Run', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }] },
        { type: 'namespace', name: 'mcp__srv__', description: 'MCP', tools: [{ type: 'function', name: 'get', parameters: { type: 'object', properties: {} } }] },
      ] },
      { role: 'user', content: 'hello' },
      { type: 'custom_tool_call', call_id: 'c1', name: 'exec', namespace: 'functions', input: 'ls -la' },
      { type: 'custom_tool_call_output', call_id: 'c1', output: 'done' },
    ] });
    assert.deepEqual(req.tools?.map((t) => [t.name, t.kind]), [['functions__exec', 'custom'], ['mcp__srv__get', 'function']]);
    const exec = req.tools![0]!;
    assert.deepEqual(exec.parameters.required, ['input']);
    assert.match(String((exec.parameters.properties as Record<string, { description?: string }>).input?.description), /lark grammar/);
    const call = req.messages[1]!.parts[0] as ToolCallPart;
    assert.equal(call.name, 'functions__exec');
    assert.deepEqual(JSON.parse(call.argsJson), { input: 'ls -la' });
    assert.equal(req.messages.length, 3);

    const body = encodeBody(req);
    assert.deepEqual(body.tools, [
      { type: 'namespace', name: 'functions', description: 'Local', tools: [{ format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' }, type: 'custom', name: 'exec', description: 'Run' }] },
      { type: 'namespace', name: 'mcp__srv__', description: 'MCP', tools: [{ type: 'function', name: 'get', parameters: { type: 'object', properties: {} } }] },
    ]);
    const input = body.input as Array<Record<string, unknown>>;
    assert.deepEqual(input[1], { type: 'custom_tool_call', call_id: 'c1', name: 'exec', namespace: 'functions', input: 'ls -la' });
    assert.deepEqual(input[2], { type: 'custom_tool_call_output', call_id: 'c1', output: 'done' });
  });

  it('keeps built-in tools, unknown fields and unknown items for a Responses upstream', () => {
    const req = decode({ model: 'm', input: [{ role: 'user', content: 'x' }, { type: 'web_search_call', id: 'ws_1', status: 'completed' }],
      tools: [{ type: 'web_search' }, { type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'f' }, parallel_tool_calls: false, prompt_cache_key: 'pk', service_tier: 'flex',
      include: ['message.output_text.logprobs'], store: true, text: { verbosity: 'low', format: { type: 'json_schema', name: 's', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' } });
    assert.deepEqual(req.toolChoice, { type: 'tool', name: 'f' });
    assert.equal(req.parallelToolCalls, false);
    assert.deepEqual(req.reasoning, { effort: 'high', enabled: true, summary: 'auto' });
    assert.deepEqual(req.responseFormat, { type: 'json-schema', name: 's', schema: { type: 'object' }, strict: true });
    assert.equal(req.extra?.['openai-responses']?.prompt_cache_key, 'pk');
    const body = encodeBody(req);
    assert.equal(body.model, 'up-model');
    assert.equal(body.prompt_cache_key, 'pk');
    assert.equal(body.service_tier, 'flex');
    assert.equal(body.store, false);
    assert.deepEqual(body.include, ['message.output_text.logprobs', 'reasoning.encrypted_content']);
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
    assert.deepEqual(body.text, { format: { type: 'json_schema', name: 's', schema: { type: 'object' }, strict: true }, verbosity: 'low' });
    assert.deepEqual(body.tools, [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }]);
    assert.deepEqual(body.tool_choice, { type: 'function', name: 'f' });
    assert.deepEqual((body.input as unknown[])[1], { type: 'web_search_call', id: 'ws_1', status: 'completed' });
  });

  it('encodes the first system message as instructions and later ones as developer items', () => {
    const req: ChatRequest = { model: 'm', stream: true, messages: [
      { role: 'system', parts: [{ type: 'text', text: 'sys' }] },
      { role: 'user', parts: [{ type: 'text', text: 'u' }] },
      { role: 'system', parts: [{ type: 'text', text: 'late' }] },
      { role: 'assistant', parts: [{ type: 'reasoning', text: 'thinking', signature: 'Eanthropic' }, { type: 'tool-call', callId: 'c', name: 'f', argsJson: '{}' }] },
    ], reasoning: { budgetTokens: 10000 }, maxTokens: 10 };
    const call = openaiResponses.encodeRequest(req, 'gpt');
    assert.equal(call.path, '/responses');
    assert.equal(call.stream, true);
    const body = call.body as Record<string, unknown>;
    assert.equal(body.instructions, 'sys');
    assert.equal(body.max_output_tokens, 10);
    assert.deepEqual(body.reasoning, { effort: 'high' });
    assert.deepEqual(body.input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'u' }] },
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'late' }] },
      { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
    ]);
  });

  it('rejects previous_response_id and malformed input with the param named', () => {
    expectInvalid({ model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id', 'previous_response_id_unsupported');
    expectInvalid({ input: 'x' }, 'model');
    expectInvalid({ model: 'm' }, 'input');
    expectInvalid({ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role');
    expectInvalid({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x' }] }] }, 'input[0].content[0].image_url');
    expectInvalid({ model: 'm', input: ['x'] }, 'input[0]');
    expectInvalid({ model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name');
    expectInvalid({ model: 'm', input: 'x', temperature: 'hot' }, 'temperature');
  });

  it('adds default instructions only when none exist', () => {
    const req = decode({ model: 'm', input: 'x' });
    assert.equal(withDefaultInstructions(req, 'Default').messages[0]?.role, 'system');
    const withSys = decode({ model: 'm', input: 'x', instructions: 'Mine' });
    assert.equal(withDefaultInstructions(withSys, 'Default').messages[0]?.parts[0]?.type === 'text' && (withDefaultInstructions(withSys, 'Default').messages[0]!.parts[0] as { text: string }).text, 'Mine');
  });
});
