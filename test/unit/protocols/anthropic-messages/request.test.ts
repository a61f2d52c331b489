import assert from 'node:assert/strict';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { ChatRequest } from '../../../../src/gateway/core/model';
import { anthropicMessages, decodeCountTokensRequest } from '../../../../src/gateway/protocols/anthropic-messages';
import { DEFAULT_MAX_TOKENS } from '../../../../src/gateway/protocols/anthropic-messages/request-encode';

const ctx = { params: {}, headers: {}, query: {} };
const decode = (body: Record<string, unknown>) => anthropicMessages.decodeRequest(body, ctx);
const encodeBody = (req: ChatRequest, model = 'claude-x') => anthropicMessages.encodeRequest(req, model).body as Record<string, any>;
const base = { model: 'claude-sonnet-4', max_tokens: 1000 };

function rejects(body: Record<string, unknown>, param: string): void {
  assert.throws(() => decode(body), (e: unknown) => GatewayError.is(e) && e.status === 400 && e.info.param === param);
}

describe('anthropic-messages request', () => {
  describe('routing fields', () => {
    it('decodes model, stream and max_tokens (what admission and routing read)', () => {
      const req = anthropicMessages.decodeRequest({ model: 'm', stream: true, max_tokens: 32000, messages: [{ role: 'user', content: 'x' }] }, ctx);
      assert.deepEqual([req.model, req.stream, req.maxTokens], ['m', true, 32000]);
    });
  });

  describe('decodeRequest validation', () => {
    it('names the missing field', () => {
      rejects({ messages: [], max_tokens: 1 }, 'model');
      rejects({ model: 'm', max_tokens: 1 }, 'messages');
      rejects({ model: 'm', messages: 'hi', max_tokens: 1 }, 'messages');
      rejects({ model: 'm', messages: [] }, 'max_tokens');
      rejects({ ...base, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role');
      rejects({ ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text');
    });
    it('count_tokens bodies need no max_tokens', () => {
      const req = decodeCountTokensRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(req.maxTokens, undefined);
      assert.equal(req.messages.length, 1);
    });
  });

  describe('decodeRequest content', () => {
    it('decodes system blocks keeping cache_control per part', () => {
      const req = decode({ ...base, messages: [{ role: 'user', content: 'hi' }], system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=1' },
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      ] });
      assert.equal(req.messages[0]!.role, 'system');
      assert.deepEqual(req.messages[0]!.parts, [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=1' },
        { type: 'text', text: 'You are Claude Code.', extra: { 'anthropic-messages': { cache_control: { type: 'ephemeral' } } } },
      ]);
      assert.deepEqual(req.messages[1], { role: 'user', parts: [{ type: 'text', text: 'hi' }] });
    });

    it('keeps system messages inside messages where they sit (Claude Code 2.1.3xx sends its environment that way)', () => {
      const req = decode({ ...base, system: 'top', messages: [
        { role: 'user', content: 'hi' },
        { role: 'system', content: [{ type: 'text', text: '# Environment', cache_control: { type: 'ephemeral' } }] },
        { role: 'system', content: [] },
      ] });
      assert.deepEqual(req.messages.map((m) => m.role), ['system', 'user', 'system']);
      assert.deepEqual(req.messages[2]!.parts, [{ type: 'text', text: '# Environment', extra: { 'anthropic-messages': { cache_control: { type: 'ephemeral' } } } }]);
    });

    it('splits tool_result blocks into tool messages, preserving order', () => {
      const req = decode({ ...base, messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig1' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: [
            { type: 'text', text: 'bad' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ] },
          { type: 'text', text: 'and then?' },
        ] },
      ] });
      assert.deepEqual(req.messages.map((m) => m.role), ['user', 'assistant', 'tool', 'user']);
      assert.deepEqual(req.messages[1]!.parts, [
        { type: 'reasoning', text: 'hmm', signature: 'sig1' },
        { type: 'reasoning', text: '', redactedData: 'opaque' },
        { type: 'tool-call', callId: 'toolu_1', name: 'read', argsJson: '{"path":"a"}' },
      ]);
      assert.deepEqual(req.messages[2]!.parts, [{
        type: 'tool-result', callId: 'toolu_1', isError: true, content: [
          { type: 'text', text: 'bad' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
        ],
      }]);
      assert.deepEqual(req.messages[3]!.parts, [{ type: 'text', text: 'and then?' }]);
    });

    it('decodes url images, and PDF and plain-text documents as file parts with their title and citations in extra', () => {
      const pdf = { type: 'document', title: 'spec', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' } };
      const txt = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' }, citations: { enabled: true } };
      const req = decode({ ...base, messages: [{ role: 'user', content: [
        { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }, pdf, txt,
      ] }] });
      const parts = req.messages[0]!.parts;
      assert.deepEqual(parts[0], { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } });
      assert.deepEqual(parts[1], { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' }, extra: { 'anthropic-messages': { title: 'spec' } } });
      assert.deepEqual(parts[2], { type: 'file', source: { kind: 'text', text: 'plain doc' }, extra: { 'anthropic-messages': { citations: { enabled: true } } } });
      // The Anthropic encoder restores both blocks.
      assert.deepEqual(encodeBody(req).messages[0].content.slice(1), [pdf, txt]);
    });

    it('keeps content-source documents as raw blocks with their text for other protocols', () => {
      const doc = { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'chunk one' }] } };
      const req = decode({ ...base, messages: [{ role: 'user', content: [doc] }] });
      assert.deepEqual(req.messages[0]!.parts, [{ type: 'text', text: 'chunk one', extra: { 'anthropic-messages': { rawBlock: doc } } }]);
      assert.deepEqual(encodeBody(req).messages[0].content, [doc]);
    });
  });

  describe('decodeRequest params', () => {
    it('maps sampling, tools, tool_choice, thinking, metadata and unknown fields', () => {
      const req = decode({
        ...base, stream: true, temperature: 0.5, top_p: 0.9, top_k: 40, stop_sequences: ['END'],
        tools: [
          { name: 'read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        thinking: { type: 'enabled', budget_tokens: 2048 },
        metadata: { user_id: 'u-1' },
        context_management: { edits: [] },
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(req.stream, true);
      assert.equal(req.maxTokens, 1000);
      assert.equal(req.temperature, 0.5); assert.equal(req.topP, 0.9); assert.equal(req.topK, 40);
      assert.deepEqual(req.stop, ['END']);
      assert.deepEqual(req.tools, [{ name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, extra: { 'anthropic-messages': { cache_control: { type: 'ephemeral' } } } }]);
      assert.deepEqual(req.toolChoice, { type: 'required' });
      assert.equal(req.parallelToolCalls, false);
      assert.deepEqual(req.reasoning, { enabled: true, budgetTokens: 2048 });
      assert.equal(req.user, 'u-1');
      assert.deepEqual(req.extra?.['anthropic-messages']?.context_management, { edits: [] });
      assert.deepEqual(req.extra?.['anthropic-messages']?.serverTools, [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }]);
    });

    it('maps every tool_choice type', () => {
      const tc = (tool_choice: unknown) => decode({ ...base, messages: [], tool_choice }).toolChoice;
      assert.deepEqual(tc({ type: 'auto' }), { type: 'auto' });
      assert.deepEqual(tc({ type: 'none' }), { type: 'none' });
      assert.deepEqual(tc({ type: 'tool', name: 'read' }), { type: 'tool', name: 'read' });
    });

    it('decodes disabled thinking together with an effort (Claude Code sub-agents)', () => {
      const req = decode({ ...base, messages: [], thinking: { type: 'disabled' }, output_config: { effort: 'low' } });
      assert.deepEqual(req.reasoning, { enabled: false, effort: 'low' });
    });

    it('decodes adaptive thinking and output_config.format', () => {
      const schema = { type: 'object', properties: { a: { type: 'number' } } };
      const req = decode({ ...base, messages: [], thinking: { type: 'adaptive' }, output_config: { effort: 'max', format: { type: 'json_schema', schema } } });
      assert.deepEqual(req.reasoning, { enabled: true, effort: 'xhigh' });
      assert.deepEqual(req.responseFormat, { type: 'json-schema', schema });
    });
  });

  describe('encodeRequest', () => {
    const user = (text: string) => ({ role: 'user' as const, parts: [{ type: 'text' as const, text }] });

    it('targets /messages with anthropic-version and a default max_tokens', () => {
      const call = anthropicMessages.encodeRequest({ model: 'alias', messages: [user('hi')], stream: true }, 'claude-x');
      assert.equal(call.path, '/messages');
      assert.equal(call.stream, true);
      assert.equal(call.headers?.['anthropic-version'], '2023-06-01');
      assert.deepEqual(call.body, { model: 'claude-x', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], max_tokens: DEFAULT_MAX_TOKENS, stream: true });
    });

    it('hoists system messages: a string when plain, blocks when they carry cache_control', () => {
      const plain = encodeBody({ model: 'm', stream: false, messages: [{ role: 'system', parts: [{ type: 'text', text: 'be nice' }] }, user('hi')] });
      assert.equal(plain.system, 'be nice');
      const cached = encodeBody({ model: 'm', stream: false, messages: [
        { role: 'system', parts: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', extra: { 'anthropic-messages': { cache_control: { type: 'ephemeral' } } } }] },
        user('hi'),
        { role: 'system', parts: [{ type: 'text', text: 'late' }] },
      ] });
      assert.deepEqual(cached.system, [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'late' }]);
      assert.equal(cached.messages.length, 1);
    });

    it('round-trips a Claude Code style request (cache_control, tools, thinking, tool results)', () => {
      const wire = {
        model: 'claude-sonnet-4', max_tokens: 32000, stream: true,
        system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'read', description: 'd', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } }],
        thinking: { type: 'enabled', budget_tokens: 4000 },
        metadata: { user_id: 'u' },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go', cache_control: { type: 'ephemeral' } }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'tool_use', id: 'toolu_1', name: 'read', input: { p: 1 } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
        ],
      };
      assert.deepEqual(encodeBody(decode(wire), 'claude-sonnet-4'), wire);
    });

    it('turns tool messages into user tool_result turns placed first and merges same-role turns', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [
        user('q'),
        { role: 'assistant', parts: [{ type: 'tool-call', callId: 'call.1', name: 'f', argsJson: '{"a":1}' }, { type: 'tool-call', callId: 'call_2', name: 'g', argsJson: 'not json' }] },
        user('interjection'),
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'call.1', content: [{ type: 'text', text: 'r1' }] }] },
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_2', content: [{ type: 'image', source: { kind: 'url', url: 'data:image/png;base64,QUJD' } }] }] },
      ] });
      assert.deepEqual(body.messages, [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } }, { type: 'tool_use', id: 'call_2', name: 'g', input: {} }] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'r1' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } }] },
          { type: 'text', text: 'interjection' },
        ] },
      ]);
    });

    it('drops unsigned reasoning but keeps signed and redacted thinking', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [user('q'), { role: 'assistant', parts: [
        { type: 'reasoning', text: 'deepseek thoughts' },
        { type: 'reasoning', text: 'claude thoughts', signature: 'sig' },
        { type: 'reasoning', text: '', redactedData: 'xyz' },
        { type: 'text', text: 'answer' },
      ] }] });
      assert.deepEqual(body.messages[1].content, [
        { type: 'thinking', thinking: 'claude thoughts', signature: 'sig' },
        { type: 'redacted_thinking', data: 'xyz' },
        { type: 'text', text: 'answer' },
      ]);
      // An assistant turn left empty disappears and the user turns around it merge.
      const merged = encodeBody({ model: 'm', stream: false, messages: [user('q'), { role: 'assistant', parts: [{ type: 'reasoning', text: 'only unsigned' }] }, user('more')] });
      assert.deepEqual(merged.messages, [{ role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'text', text: 'more' }] }]);
    });

    it('maps tool_choice, parallel calls, stop and user', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [user('q')], stop: ['X'], user: 'u9',
        tools: [{ name: 'f', parameters: { properties: {} } }], toolChoice: { type: 'required' }, parallelToolCalls: false });
      assert.deepEqual(body.tools, [{ name: 'f', input_schema: { properties: {}, type: 'object' } }]);
      assert.deepEqual(body.tool_choice, { type: 'any', disable_parallel_tool_use: true });
      assert.deepEqual(body.stop_sequences, ['X']);
      assert.deepEqual(body.metadata, { user_id: 'u9' });
      const auto = encodeBody({ model: 'm', stream: false, messages: [user('q')], tools: [{ name: 'f', parameters: {} }], parallelToolCalls: false });
      assert.deepEqual(auto.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
      const noTools = encodeBody({ model: 'm', stream: false, messages: [user('q')], toolChoice: { type: 'auto' } });
      assert.equal(noTools.tool_choice, undefined);
    });

    it('turns an OpenAI effort into a thinking budget, raising max_tokens and dropping temperature', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [user('q')], maxTokens: 1000, temperature: 0.7, topK: 5, reasoning: { effort: 'high' } });
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 16384 });
      assert.equal(body.max_tokens, 17384);
      assert.equal(body.temperature, undefined);
      assert.equal(body.top_k, undefined);
      const low = encodeBody({ model: 'm', stream: false, messages: [user('q')], maxTokens: 8000, reasoning: { effort: 'low' } });
      assert.deepEqual(low.thinking, { type: 'enabled', budget_tokens: 1024 });
      assert.equal(low.max_tokens, 8000);
      assert.equal(encodeBody({ model: 'm', stream: false, messages: [user('q')], reasoning: { effort: 'none' } }).thinking, undefined);
    });

    it('never sends disabled thinking with an effort: thinking is omitted, output_config kept', () => {
      const req = decode({ ...base, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'disabled' }, output_config: { effort: 'low' }, temperature: 1 });
      const body = encodeBody(req);
      assert.equal(body.thinking, undefined);
      assert.deepEqual(body.output_config, { effort: 'low' });
      assert.equal(body.temperature, 1);
      const fromOpenAI = encodeBody({ model: 'm', stream: false, messages: [user('q')], reasoning: { enabled: false, effort: 'high' } });
      assert.equal(fromOpenAI.thinking, undefined);
    });

    it('keeps adaptive thinking for an Anthropic upstream', () => {
      const body = encodeBody(decode({ ...base, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } }));
      assert.deepEqual(body.thinking, { type: 'adaptive' });
      assert.deepEqual(body.output_config, { effort: 'medium' });
    });

    it('drops thinking when a tool is forced', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [user('q')], tools: [{ name: 'f', parameters: {} }], toolChoice: { type: 'tool', name: 'f' }, reasoning: { effort: 'high' } });
      assert.equal(body.thinking, undefined);
      assert.deepEqual(body.tool_choice, { type: 'tool', name: 'f' });
    });

    it('adds a JSON instruction to system for response_format json-schema', () => {
      const body = encodeBody({ model: 'm', stream: false, messages: [{ role: 'system', parts: [{ type: 'text', text: 'sys' }] }, user('q')],
        responseFormat: { type: 'json-schema', schema: { type: 'object' } } });
      assert.equal(body.system[0].text, 'sys');
      assert.match(body.system[1].text, /JSON Schema[\s\S]*\{"type":"object"\}/);
    });

    it('re-applies server tools and unknown top-level fields', () => {
      const req = decode({ ...base, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }], service_tier: 'auto' });
      const body = encodeBody(req);
      assert.deepEqual(body.tools, [{ type: 'web_search_20250305', name: 'web_search' }]);
      assert.equal(body.service_tier, 'auto');
      assert.equal(body.serverTools, undefined);
    });
  });
});
