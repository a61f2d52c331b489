/** File (document) parts: decoded from every protocol's file shapes, encoded into every protocol's, refused where a form cannot go. */
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/gateway/core/errors';
import type { ChatRequest, FilePart, FileSource, Message, ProtocolId } from '../../../src/gateway/core/model';
import { protocols } from '../../../src/gateway/protocols';
import type { InboundContext } from '../../../src/gateway/protocols/types';

type Json = Record<string, any>;
const ctx: InboundContext = { params: {}, headers: {}, query: {} };
const geminiCtx: InboundContext = { params: { model: 'gemini-x', action: 'generateContent' }, headers: {}, query: {} };
const PDF = Buffer.from('%PDF-1.4 fake').toString('base64');
const PDF_URL = `data:application/pdf;base64,${PDF}`;

const decode = (p: ProtocolId, body: Json): ChatRequest => protocols[p].decodeRequest(body, p === 'gemini' ? geminiCtx : ctx);
const encode = (p: ProtocolId, req: ChatRequest): Json => protocols[p].encodeRequest(req, 'up-model').body as Json;
const request = (messages: Message[]): ChatRequest => ({ model: 'm', stream: false, messages });
const withFile = (source: FileSource, filename?: string): ChatRequest => {
  const part: FilePart = filename === undefined ? { type: 'file', source } : { type: 'file', source, filename };
  return request([{ role: 'user', parts: [{ type: 'text', text: 'read this' }, part] }]);
};

/** The user content each protocol's encoder wrote for the first user turn. */
function userContent(p: ProtocolId, body: Json): unknown[] {
  switch (p) {
    case 'openai-chat': return body.messages.find((m: Json) => m.role === 'user').content;
    case 'openai-responses': return body.input.find((i: Json) => i.role === 'user').content;
    case 'anthropic-messages': return body.messages[0].content;
    case 'gemini': return body.contents[0].parts;
  }
}

/** A 400 invalid_request naming `param`; encoder refusals also start their message with it. */
function refuses(fn: () => unknown, param: string, message: RegExp, encoder = true): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(GatewayError.is(e), String(e));
    assert.equal(e.kind, 'invalid_request');
    assert.equal(e.status, 400);
    assert.equal(e.info.param, param);
    assert.match(e.message, message);
    if (encoder) assert.ok(e.message.startsWith(`${param}: this file cannot be sent to `), e.message);
    return true;
  });
}

describe('file parts', () => {
  describe('decoding', () => {
    it('OpenAI Chat: file_data (data URL or bare base64), file_id, filename and unknown part fields', () => {
      const req = decode('openai-chat', { model: 'm', messages: [{ role: 'user', content: [
        { type: 'text', text: 'read' },
        { type: 'file', file: { file_data: PDF_URL, filename: 'a.pdf' }, prompt_cache_breakpoint: { mode: 'explicit' } },
        { type: 'file', file: { file_id: 'file-abc' } },
        { type: 'file', file: { file_data: Buffer.from('hi').toString('base64'), filename: 'notes.txt' } },
        { type: 'file', file: { file_data: PDF } },
      ] }] });
      assert.deepEqual(req.messages[0]!.parts.slice(1), [
        { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'a.pdf', extra: { 'openai-chat': { prompt_cache_breakpoint: { mode: 'explicit' } } } },
        { type: 'file', source: { kind: 'file-id', fileId: 'file-abc', store: 'openai' } },
        { type: 'file', source: { kind: 'base64', mediaType: 'text/plain', data: 'aGk=' }, filename: 'notes.txt' },
        { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF } },
      ]);
      // Files ride in tool messages as images do.
      const tool = decode('openai-chat', { model: 'm', messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'file', file: { file_data: PDF_URL, filename: 'r.pdf' } }] },
      ] });
      assert.deepEqual((tool.messages[1]!.parts[0] as Json).content, [{ type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'r.pdf' }]);
    });

    it('OpenAI Chat: refuses a file part with neither data nor id, non-base64 data URLs and files in system messages', () => {
      const msgs = (part: unknown, role = 'user') => ({ model: 'm', messages: [{ role, content: [part] }] });
      refuses(() => decode('openai-chat', msgs({ type: 'file', file: { filename: 'a.pdf' } })), 'messages[0].content[0].file', /file_data/, false);
      refuses(() => decode('openai-chat', msgs({ type: 'file', file: 'x' })), 'messages[0].content[0].file', /object/, false);
      refuses(() => decode('openai-chat', msgs({ type: 'file', file: { file_data: 'data:text/plain,hello' } })), 'messages[0].content[0].file.file_data', /base64/, false);
      refuses(() => decode('openai-chat', msgs({ type: 'file', file: { file_data: PDF_URL } }, 'system')), 'messages[0].content[0].type', /Unsupported/, false);
    });

    it('Responses: input_file with file_data, file_url or file_id, in messages and tool outputs; detail kept', () => {
      const req = decode('openai-responses', { model: 'm', input: [
        { type: 'message', role: 'user', content: [
          { type: 'input_file', file_data: PDF_URL, filename: 'a.pdf', detail: 'high' },
          { type: 'input_file', file_url: 'https://x.test/b.pdf' },
          { type: 'input_file', file_id: 'file-1', filename: null },
        ] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_file', file_data: PDF_URL, filename: 'r.pdf' }] },
      ] });
      assert.deepEqual(req.messages[0], { role: 'user', parts: [
        { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'a.pdf', extra: { 'openai-responses': { detail: 'high' } } },
        { type: 'file', source: { kind: 'url', url: 'https://x.test/b.pdf' } },
        { type: 'file', source: { kind: 'file-id', fileId: 'file-1', store: 'openai' } },
      ] });
      assert.deepEqual((req.messages[2]!.parts[0] as Json).content, [{ type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'r.pdf' }]);
      assert.throws(() => decode('openai-responses', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_file' }] }] }),
        (e: unknown) => GatewayError.is(e) && e.status === 400 && e.info.param === 'input[0].content[0]');
    });

    it('Anthropic: base64, text, url and file documents with title, context, citations and cache_control in extra, also inside tool results', () => {
      const req = decode('anthropic-messages', { model: 'c', max_tokens: 10, messages: [
        { role: 'user', content: [
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'T', context: 'C', citations: { enabled: true }, cache_control: { type: 'ephemeral' } },
          { type: 'document', source: { type: 'url', url: 'https://x.test/d.pdf' } },
          { type: 'document', source: { type: 'file', file_id: 'file_011' } },
        ] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [
          { type: 'text', text: 'here' }, { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc text' } },
        ] }] },
      ] });
      assert.deepEqual(req.messages[0]!.parts, [
        { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF },
          extra: { 'anthropic-messages': { title: 'T', context: 'C', citations: { enabled: true }, cache_control: { type: 'ephemeral' } } } },
        { type: 'file', source: { kind: 'url', url: 'https://x.test/d.pdf', mediaType: 'application/pdf' } },
        { type: 'file', source: { kind: 'file-id', fileId: 'file_011', store: 'anthropic' } },
      ]);
      assert.deepEqual((req.messages[2]!.parts[0] as Json).content, [{ type: 'text', text: 'here' }, { type: 'file', source: { kind: 'text', text: 'doc text' } }]);
    });

    it('Gemini: non-image inlineData and fileData are files (Files API URIs are Gemini file ids); images are unchanged', () => {
      const req = decode('gemini', { contents: [{ role: 'user', parts: [
        { inlineData: { mimeType: 'application/pdf', data: PDF } },
        { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
        { fileData: { mimeType: 'application/pdf', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
        { fileData: { mimeType: 'text/plain', fileUri: 'https://x.test/notes.txt', displayName: 'notes' } },
        { fileData: { fileUri: 'https://x.test/pic' } },
      ] }] });
      assert.deepEqual(req.messages[0]!.parts, [
        { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF } },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
        { type: 'file', source: { kind: 'file-id', fileId: 'https://generativelanguage.googleapis.com/v1beta/files/abc123', store: 'gemini', mediaType: 'application/pdf' } },
        { type: 'file', source: { kind: 'url', url: 'https://x.test/notes.txt', mediaType: 'text/plain' }, filename: 'notes', extra: { gemini: { displayName: 'notes' } } },
        { type: 'image', source: { kind: 'url', url: 'https://x.test/pic' } },
      ]);
    });
  });

  describe('encoding', () => {
    it('an inline PDF reaches every protocol in its own shape (the file name too, where the wire has one)', () => {
      const req = withFile({ kind: 'base64', mediaType: 'application/pdf', data: PDF }, 'report.pdf');
      assert.deepEqual(userContent('openai-chat', encode('openai-chat', req))[1], { type: 'file', file: { file_data: PDF_URL, filename: 'report.pdf' } });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', req))[1], { type: 'input_file', file_data: PDF_URL, filename: 'report.pdf' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', req))[1],
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' });
      assert.deepEqual(userContent('gemini', encode('gemini', req))[1], { inlineData: { mimeType: 'application/pdf', data: PDF } });
      // OpenAI wants a file name with inline data: one is made up from the media type.
      const anon = withFile({ kind: 'base64', mediaType: 'application/pdf', data: PDF });
      assert.deepEqual(userContent('openai-chat', encode('openai-chat', anon))[1], { type: 'file', file: { file_data: PDF_URL, filename: 'document.pdf' } });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', anon))[1], { type: 'input_file', file_data: PDF_URL, filename: 'document.pdf' });
    });

    it('a plain-text document is text except toward Anthropic, which gets a text document', () => {
      const req = withFile({ kind: 'text', text: 'the doc' });
      assert.deepEqual(encode('openai-chat', req).messages[0].content, [{ type: 'text', text: 'read this' }, { type: 'text', text: 'the doc' }]);
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', req))[1], { type: 'input_text', text: 'the doc' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', req))[1], { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'the doc' } });
      assert.deepEqual(userContent('gemini', encode('gemini', req))[1], { text: 'the doc' });
    });

    it('Anthropic: text/* bytes become a text document, image files image blocks; other media types are refused', () => {
      const md = withFile({ kind: 'base64', mediaType: 'text/markdown', data: Buffer.from('# hi').toString('base64') });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', md))[1], { type: 'document', source: { type: 'text', media_type: 'text/plain', data: '# hi' } });
      const png = withFile({ kind: 'base64', mediaType: 'image/png', data: 'AAAA' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', png))[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } });
      const docx = withFile({ kind: 'base64', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: 'UEsD' });
      refuses(() => encode('anthropic-messages', docx), 'messages[0].parts[1]', /Anthropic upstream.*PDF or plain text/);
      refuses(() => encode('anthropic-messages', withFile({ kind: 'url', url: 'https://x.test/a.html', mediaType: 'text/html' })), 'messages[0].parts[1]', /only PDFs by URL/);
    });

    it('a file by URL goes to Responses, Anthropic and Gemini, and is refused toward OpenAI Chat', () => {
      const req = withFile({ kind: 'url', url: 'https://x.test/spec.pdf' });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', req))[1], { type: 'input_file', file_url: 'https://x.test/spec.pdf' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', req))[1], { type: 'document', source: { type: 'url', url: 'https://x.test/spec.pdf' } });
      assert.deepEqual(userContent('gemini', encode('gemini', req))[1], { fileData: { mimeType: 'application/pdf', fileUri: 'https://x.test/spec.pdf' } });
      refuses(() => encode('openai-chat', req), 'messages[0].parts[1]', /OpenAI Chat upstream.*not a file by URL/);
    });

    it('a file id goes only to its own vendor\'s protocols', () => {
      const openai = withFile({ kind: 'file-id', fileId: 'file-abc', store: 'openai' }, 'a.pdf');
      assert.deepEqual(userContent('openai-chat', encode('openai-chat', openai))[1], { type: 'file', file: { file_id: 'file-abc', filename: 'a.pdf' } });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', openai))[1], { type: 'input_file', file_id: 'file-abc', filename: 'a.pdf' });
      refuses(() => encode('anthropic-messages', openai), 'messages[0].parts[1]', /Anthropic upstream.*OpenAI file_id \(file-abc\)/);
      refuses(() => encode('gemini', openai), 'messages[0].parts[1]', /Gemini upstream.*OpenAI file_id/);

      const anthropic = withFile({ kind: 'file-id', fileId: 'file_011', store: 'anthropic' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', anthropic))[1], { type: 'document', source: { type: 'file', file_id: 'file_011' } });
      refuses(() => encode('openai-chat', anthropic), 'messages[0].parts[1]', /Anthropic Files API/);
      refuses(() => encode('openai-responses', anthropic), 'messages[0].parts[1]', /Anthropic Files API/);

      const uri = 'https://generativelanguage.googleapis.com/v1beta/files/abc123';
      const gem = withFile({ kind: 'file-id', fileId: uri, store: 'gemini', mediaType: 'application/pdf' });
      assert.deepEqual(userContent('gemini', encode('gemini', gem))[1], { fileData: { mimeType: 'application/pdf', fileUri: uri } });
      for (const p of ['openai-chat', 'openai-responses', 'anthropic-messages'] as const) refuses(() => encode(p, gem), 'messages[0].parts[1]', /Gemini Files API/);
    });

    it('files in tool results: OpenAI Chat moves them to a user message after the tool run; the others keep them with the result', () => {
      const req = request([
        { role: 'user', parts: [{ type: 'text', text: 'read it' }] },
        { role: 'assistant', parts: [{ type: 'tool-call', callId: 'call_1', name: 'read', argsJson: '{}' }] },
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', name: 'read', content: [
          { type: 'text', text: 'done' }, { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'r.pdf' },
        ] }] },
      ]);
      const chat = encode('openai-chat', req).messages as Json[];
      assert.deepEqual(chat.slice(2), [
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        { role: 'user', content: [{ type: 'file', file: { file_data: PDF_URL, filename: 'r.pdf' } }] },
      ]);
      const responses = encode('openai-responses', req).input as Json[];
      assert.deepEqual(responses.at(-1), { type: 'function_call_output', call_id: 'call_1', output: [
        { type: 'input_text', text: 'done' }, { type: 'input_file', file_data: PDF_URL, filename: 'r.pdf' }] });
      const anthropic = encode('anthropic-messages', req).messages as Json[];
      assert.deepEqual(anthropic.at(-1)!.content, [{ type: 'tool_result', tool_use_id: 'call_1', content: [
        { type: 'text', text: 'done' }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'r.pdf' }] }]);
      const gemini = encode('gemini', req).contents as Json[];
      assert.deepEqual(gemini.at(-1)!.parts, [
        { functionResponse: { name: 'read', response: { result: 'done' }, id: 'call_1' } }, { inlineData: { mimeType: 'application/pdf', data: PDF } }]);
      // A refused file inside a tool result is named down to its content index.
      const url = request([...req.messages.slice(0, 2), { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', content: [
        { type: 'file', source: { kind: 'url', url: 'https://x.test/a.pdf' } }] }] }]);
      refuses(() => encode('openai-chat', url), 'messages[2].parts[0].content[0]', /not a file by URL/);
    });

    it('a plain-text document in a tool result stays part of the result text for the non-Anthropic protocols', () => {
      const req = request([
        { role: 'assistant', parts: [{ type: 'tool-call', callId: 'call_1', name: 'read', argsJson: '{}' }] },
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'call_1', name: 'read', content: [{ type: 'text', text: 'a' }, { type: 'file', source: { kind: 'text', text: 'b' } }] }] },
      ]);
      assert.deepEqual(encode('openai-chat', req).messages[1], { role: 'tool', tool_call_id: 'call_1', content: 'a\n\nb' });
      assert.equal((encode('openai-responses', req).input as Json[])[1]!.output, 'a\nb');
      assert.deepEqual((encode('gemini', req).contents as Json[])[1]!.parts, [{ functionResponse: { name: 'read', response: { result: 'a\nb' }, id: 'call_1' } }]);
    });

    it('files in system messages are dropped like images, never refused', () => {
      const req = request([
        { role: 'system', parts: [{ type: 'text', text: 'sys' }, { type: 'file', source: { kind: 'file-id', fileId: 'f', store: 'gemini' } }] },
        { role: 'user', parts: [{ type: 'text', text: 'hi' }] },
      ]);
      assert.equal(encode('anthropic-messages', req).system, 'sys');
      assert.deepEqual(encode('openai-chat', req).messages[0], { role: 'system', content: 'sys' });
      assert.equal(encode('openai-responses', req).instructions, 'sys');
      assert.deepEqual(encode('gemini', req).systemInstruction, { parts: [{ text: 'sys' }] });
    });
  });

  describe('wire to wire', () => {
    it('an Anthropic PDF document reaches an OpenAI Chat upstream as a file part (title, citations dropped)', () => {
      const req = decode('anthropic-messages', { model: 'c', max_tokens: 10, messages: [{ role: 'user', content: [
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'Spec', citations: { enabled: true } },
        { type: 'text', text: 'summarize' },
      ] }] });
      assert.deepEqual(encode('openai-chat', req).messages, [{ role: 'user', content: [
        { type: 'file', file: { file_data: PDF_URL, filename: 'document.pdf' } }, { type: 'text', text: 'summarize' }] }]);
    });

    it('an OpenAI Chat file part reaches an Anthropic upstream as a document titled with the file name', () => {
      const req = decode('openai-chat', { model: 'm', messages: [{ role: 'user', content: [
        { type: 'text', text: 'summarize' }, { type: 'file', file: { file_data: PDF_URL, filename: 'q3.pdf' } }] }] });
      assert.deepEqual(encode('anthropic-messages', req).messages, [{ role: 'user', content: [
        { type: 'text', text: 'summarize' }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'q3.pdf' }] }]);
    });

    it('a Gemini inline PDF is no longer sent as an image to OpenAI, Anthropic or Responses', () => {
      const req = decode('gemini', { contents: [{ role: 'user', parts: [{ text: 'read' }, { inlineData: { mimeType: 'application/pdf', data: PDF } }] }] });
      assert.deepEqual(userContent('openai-chat', encode('openai-chat', req))[1], { type: 'file', file: { file_data: PDF_URL, filename: 'document.pdf' } });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', req))[1], { type: 'input_file', file_data: PDF_URL, filename: 'document.pdf' });
      assert.deepEqual(userContent('anthropic-messages', encode('anthropic-messages', req))[1], { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } });
    });

    it('re-encoding to the caller\'s own protocol keeps file ids and extras (translated same-protocol path)', () => {
      const chatPart = { type: 'file', file: { file_id: 'file-abc', filename: 'a.pdf' }, prompt_cache_breakpoint: { mode: 'explicit' } };
      const chat = decode('openai-chat', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, chatPart] }] });
      assert.deepEqual(encode('openai-chat', chat).messages[0].content[1], chatPart);

      const respPart = { type: 'input_file', file_id: 'file-1', filename: 'a.pdf', detail: 'low' };
      const resp = decode('openai-responses', { model: 'm', input: [{ role: 'user', content: [respPart] }] });
      assert.deepEqual(userContent('openai-responses', encode('openai-responses', resp))[0], respPart);

      const doc = { type: 'document', source: { type: 'file', file_id: 'file_011' }, title: 'T', context: 'C', cache_control: { type: 'ephemeral' } };
      const anth = decode('anthropic-messages', { model: 'c', max_tokens: 10, messages: [{ role: 'user', content: [doc] }] });
      assert.deepEqual(encode('anthropic-messages', anth).messages[0].content, [doc]);

      const gemPart = { fileData: { mimeType: 'application/pdf', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } };
      const gem = decode('gemini', { contents: [{ role: 'user', parts: [gemPart] }] });
      assert.deepEqual(encode('gemini', gem).contents[0].parts, [gemPart]);
    });
  });
});
