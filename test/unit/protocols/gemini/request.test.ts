import assert from 'node:assert/strict';
import { GatewayError } from '../../../../src/gateway/core/errors';
import type { ChatRequest, ToolCallPart, ToolResultPart } from '../../../../src/gateway/core/model';
import { gemini } from '../../../../src/gateway/protocols/gemini';
import { isGeneratedCallId } from '../../../../src/gateway/protocols/gemini/call-ids';
import type { InboundContext } from '../../../../src/gateway/protocols/types';

const ctx = (action = 'generateContent', model = 'gemini-2.5-pro'): InboundContext => ({ params: { model, action }, headers: {}, query: {} });

const toolHistory = {
  contents: [
    { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
    { role: 'model', parts: [
      { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG1' },
      { functionCall: { name: 'weather', args: { city: 'Rome' } } },
    ] },
    { role: 'user', parts: [
      { functionResponse: { name: 'weather', response: { result: 'sunny' } } },
      { functionResponse: { name: 'weather', response: { result: 'rainy' } } },
    ] },
  ],
  tools: [{ functionDeclarations: [{ name: 'weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] }],
};

describe('gemini request', () => {
  describe('routing fields', () => {
    it('reads model and stream from the path and the limit from generationConfig', () => {
      const contents = [{ role: 'user', parts: [{ text: 'x' }] }];
      const s = gemini.decodeRequest({ contents, generationConfig: { maxOutputTokens: 77 } }, ctx('streamGenerateContent', 'gemini-x'));
      assert.deepEqual([s.model, s.stream, s.maxTokens], ['gemini-x', true, 77]);
      assert.equal(gemini.decodeRequest({ contents }, ctx()).stream, false);
    });
  });

  describe('decodeRequest', () => {
    it('decodes system, text, images, files and generation settings', () => {
      const req = gemini.decodeRequest({
        systemInstruction: { parts: [{ text: 'be brief' }] },
        contents: [{ role: 'user', parts: [
          { text: 'look' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'https://x/y.pdf' } },
        ] }],
        generationConfig: {
          temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 100, stopSequences: ['END'], presencePenalty: 0.1,
          frequencyPenalty: 0.2, seed: 7, responseMimeType: 'application/json', responseModalities: ['TEXT'],
          thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        cachedContent: 'cachedContents/abc',
      }, ctx('streamGenerateContent'));
      assert.equal(req.model, 'gemini-2.5-pro');
      assert.equal(req.stream, true);
      assert.deepEqual(req.messages[0], { role: 'system', parts: [{ type: 'text', text: 'be brief' }] });
      assert.deepEqual(req.messages[1]!.parts, [
        { type: 'text', text: 'look' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
        { type: 'file', source: { kind: 'url', url: 'https://x/y.pdf', mediaType: 'application/pdf' } },
      ]);
      assert.equal(req.temperature, 0.3);
      assert.equal(req.topK, 40);
      assert.equal(req.maxTokens, 100);
      assert.deepEqual(req.stop, ['END']);
      assert.equal(req.seed, 7);
      assert.deepEqual(req.responseFormat, { type: 'json' });
      assert.deepEqual(req.reasoning, { enabled: true, budgetTokens: 2048, summary: 'auto' });
      assert.deepEqual(req.extra?.gemini?.safetySettings, [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
      assert.equal(req.extra?.gemini?.cachedContent, 'cachedContents/abc');
      assert.deepEqual(req.extra?.gemini?.generationConfig, { responseModalities: ['TEXT'] });
    });

    it('gives id-less calls stable ids and matches responses to them by name in order', () => {
      const a = gemini.decodeRequest(toolHistory, ctx());
      const b = gemini.decodeRequest(structuredClone(toolHistory), ctx());
      const calls = a.messages[1]!.parts.filter((p): p is ToolCallPart => p.type === 'tool-call');
      assert.equal(calls.length, 2);
      assert.notEqual(calls[0]!.callId, calls[1]!.callId);
      assert.ok(isGeneratedCallId(calls[0]!.callId));
      assert.deepEqual(b.messages[1], a.messages[1], 'the same history yields the same ids');
      // the signature on the first call becomes a zero-length signed reasoning part before it
      assert.deepEqual(a.messages[1]!.parts[0], { type: 'reasoning', text: '', signature: 'SIG1' });
      const results = a.messages[2]!.parts as ToolResultPart[];
      assert.equal(a.messages[2]!.role, 'tool');
      assert.deepEqual(results.map((r) => r.callId), calls.map((c) => c.callId));
      assert.deepEqual(results.map((r) => r.content), [[{ type: 'text', text: 'sunny' }], [{ type: 'text', text: 'rainy' }]]);
      assert.equal(results[0]!.name, 'weather');
    });

    it('uses explicit ids and matches responses by id', () => {
      const req = gemini.decodeRequest({ contents: [
        { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'f', args: {} } }, { functionCall: { id: 'c2', name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'c2', name: 'f', response: { error: 'boom' } } }, { functionResponse: { name: 'f', response: { x: 1 } } }] },
      ] }, ctx());
      const results = req.messages[1]!.parts as ToolResultPart[];
      assert.deepEqual(results.map((r) => r.callId), ['c2', 'c1']);
      assert.equal(results[0]!.isError, true);
      assert.deepEqual(results[1]!.content, [{ type: 'text', text: '{"x":1}' }]);
    });

    it('merges consecutive thought parts into one signed reasoning part', () => {
      const req = gemini.decodeRequest({ contents: [{ role: 'model', parts: [
        { text: 'a', thought: true }, { text: 'b', thought: true, thoughtSignature: 'S' }, { text: 'answer' },
      ] }] }, ctx());
      assert.deepEqual(req.messages[0]!.parts, [{ type: 'reasoning', text: 'ab', signature: 'S' }, { type: 'text', text: 'answer' }]);
    });

    it('splits a user turn into tool results and user text, in order', () => {
      const req = gemini.decodeRequest({ contents: [
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'ok' } } }, { text: 'and now?' }] },
      ] }, ctx());
      assert.deepEqual(req.messages.map((m) => m.role), ['assistant', 'tool', 'user']);
    });

    it('decodes tools, tool config and schemas', () => {
      const req = gemini.decodeRequest({
        contents: [],
        tools: [{ functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object', properties: { x: { type: 'string' } } } }] }, { googleSearch: {} }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a'] } },
        generationConfig: { responseJsonSchema: { type: 'object' }, thinkingConfig: { thinkingLevel: 'HIGH' } },
      }, ctx());
      assert.equal(req.tools?.[0]?.name, 'a');
      assert.deepEqual(req.tools?.[0]?.extra, { gemini: { parametersJsonSchema: true } });
      assert.deepEqual(req.toolChoice, { type: 'tool', name: 'a' });
      assert.deepEqual(req.extra?.gemini?.tools, [{ googleSearch: {} }]);
      assert.deepEqual(req.responseFormat, { type: 'json-schema', schema: { type: 'object' } });
      assert.deepEqual(req.reasoning, { effort: 'high', enabled: true });
      assert.equal(gemini.decodeRequest({ contents: [], toolConfig: { functionCallingConfig: { mode: 'NONE' } } }, ctx()).toolChoice?.type, 'none');
      assert.equal(gemini.decodeRequest({ contents: [], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }, ctx()).reasoning?.enabled, false);
    });

    it('accepts a countTokens body wrapping generateContentRequest', () => {
      const req = gemini.decodeRequest({ generateContentRequest: { model: 'models/x', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } }, ctx('countTokens'));
      assert.equal(req.messages[0]!.parts[0]!.type, 'text');
    });

    it('rejects malformed bodies with the offending param', () => {
      assert.throws(() => gemini.decodeRequest({}, ctx()), (e: unknown) => GatewayError.is(e) && e.info.param === 'contents');
      assert.throws(() => gemini.decodeRequest({ contents: [{ role: 'user' }] }, ctx()),
        (e: unknown) => GatewayError.is(e) && e.kind === 'invalid_request' && e.info.param === 'contents[0].parts');
    });
  });

  describe('encodeRequest', () => {
    const base: ChatRequest = { model: 'alias', stream: false, messages: [] };

    it('picks the path by stream flag', () => {
      assert.equal(gemini.encodeRequest({ ...base }, 'gemini-2.5-pro').path, '/models/gemini-2.5-pro:generateContent');
      const s = gemini.encodeRequest({ ...base, stream: true }, 'gemini-2.5-pro');
      assert.equal(s.path, '/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
      assert.equal(s.stream, true);
    });

    it('encodes a tool conversation from an OpenAI-style history', () => {
      const call = encodeBody({
        ...base,
        messages: [
          { role: 'system', parts: [{ type: 'text', text: 'sys' }] },
          { role: 'user', parts: [{ type: 'text', text: 'hi' }, { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,QUJD' } }] },
          { role: 'assistant', parts: [
            { type: 'reasoning', text: 'thinking…', signature: 'SIG' },
            { type: 'tool-call', callId: 'call_1', name: 'f', argsJson: '{"a":1}' },
            { type: 'tool-call', callId: 'call_2', name: 'g', argsJson: '' },
          ] },
          { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', content: [{ type: 'text', text: 'r1' }] }] },
          { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_2', isError: true, content: [{ type: 'text', text: 'bad' }] }] },
          { role: 'user', parts: [{ type: 'text', text: 'next' }, { type: 'image', source: { kind: 'url', url: 'https://h/i.png' } }] },
        ],
        tools: [
          { name: 'f', description: 'F', parameters: { type: 'object', properties: { a: { type: 'number' } } } },
          { name: 'g', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: { type: 'required' },
      });
      assert.deepEqual(call.systemInstruction, { parts: [{ text: 'sys' }] });
      assert.deepEqual(call.contents, [
        { role: 'user', parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: 'QUJD' } }] },
        { role: 'model', parts: [
          { functionCall: { name: 'f', args: { a: 1 }, id: 'call_1' }, thoughtSignature: 'SIG' },
          { functionCall: { name: 'g', args: {}, id: 'call_2' } },
        ] },
        { role: 'user', parts: [
          { functionResponse: { name: 'f', response: { result: 'r1' }, id: 'call_1' } },
          { functionResponse: { name: 'g', response: { error: 'bad' }, id: 'call_2' } },
          { text: 'next' },
          { fileData: { mimeType: 'image/png', fileUri: 'https://h/i.png' } },
        ] },
      ]);
      assert.deepEqual(call.tools, [{ functionDeclarations: [
        { name: 'f', description: 'F', parameters: { type: 'object', properties: { a: { type: 'number' } } } },
        { name: 'g' },
      ] }]);
      assert.deepEqual(call.toolConfig, { functionCallingConfig: { mode: 'ANY' } });
    });

    it('never sends ids the gateway generated, and round-trips a Gemini history', () => {
      const decoded = gemini.decodeRequest(toolHistory, ctx());
      const body = encodeBody(decoded);
      assert.deepEqual(body.contents, toolHistory.contents);
    });

    it('fails clearly when a tool result names no known call', () => {
      assert.throws(() => gemini.encodeRequest({ ...base, messages: [
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'nope', content: [] }] },
      ] }, 'm'), (e: unknown) => GatewayError.is(e) && e.info.param === 'messages[0].parts[0]');
    });

    it('maps generation settings, formats and reasoning', () => {
      const gc = encodeBody({ ...base, maxTokens: 10, temperature: 0, stop: ['x'], seed: 1, topK: 3,
        responseFormat: { type: 'json-schema', schema: { type: 'object' } }, reasoning: { effort: 'medium' } }).generationConfig;
      assert.deepEqual(gc, { temperature: 0, topK: 3, maxOutputTokens: 10, stopSequences: ['x'], seed: 1,
        responseMimeType: 'application/json', responseSchema: { type: 'object' }, thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
      assert.deepEqual(encodeBody({ ...base, reasoning: { enabled: false } }).generationConfig, { thinkingConfig: { thinkingBudget: 0 } });
      assert.deepEqual(encodeBody({ ...base, reasoning: { effort: 'high' } }, 'gemini-3-pro-preview').generationConfig,
        { thinkingConfig: { thinkingLevel: 'high', includeThoughts: true } });
      assert.deepEqual(encodeBody({ ...base, reasoning: { budgetTokens: 999 } }).generationConfig, { thinkingConfig: { thinkingBudget: 999, includeThoughts: true } });
      assert.deepEqual(encodeBody({ ...base, toolChoice: { type: 'tool', name: 'f' } }).toolConfig,
        { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    });

    it('re-applies Gemini-only fields kept by the decoder', () => {
      const decoded = gemini.decodeRequest({
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
        safetySettings: [{ category: 'c', threshold: 't' }],
        tools: [{ googleSearch: {} }],
        generationConfig: { responseModalities: ['TEXT'], responseJsonSchema: { type: 'object' } },
      }, ctx());
      const body = encodeBody(decoded);
      assert.deepEqual(body.safetySettings, [{ category: 'c', threshold: 't' }]);
      assert.deepEqual(body.tools, [{ googleSearch: {} }]);
      assert.deepEqual(body.generationConfig, { responseModalities: ['TEXT'], responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } });
    });
  });
});

function encodeBody(req: ChatRequest, model = 'gemini-2.5-pro'): Record<string, unknown> {
  return gemini.encodeRequest(req, model).body as Record<string, unknown>;
}
