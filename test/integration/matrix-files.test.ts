/**
 * Translation matrix, documents: a PDF sent with the official Anthropic SDK reaches an OpenAI-type upstream as a
 * Chat `file` part, one sent with the official OpenAI SDK reaches an Anthropic-type upstream as a `document` block,
 * and forms the target cannot carry (a file by URL toward Chat, an OpenAI file_id toward Anthropic) are refused
 * with a 400 before any upstream call.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMatrix, type Matrix } from './matrix-upstreams';

/** A tiny but well-formed one-page PDF. */
const PDF = Buffer.from([
  '%PDF-1.4', '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj', '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
  '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >> endobj', 'trailer << /Root 1 0 R >>', '%%EOF',
].join('\n')).toString('base64');
const PDF_DATA_URL = `data:application/pdf;base64,${PDF}`;

type Json = Record<string, any>;

describe('matrix: documents between protocols', function () {
  this.timeout(20000);
  let m: Matrix;
  let anthropic: Anthropic;
  let openai: OpenAI;

  before(async () => {
    m = await startMatrix();
    anthropic = new Anthropic({ baseURL: m.gw.url, apiKey: m.gw.key, maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${m.gw.url}/v1`, apiKey: m.gw.key, maxRetries: 0 });
  });
  after(() => m.close());

  it('Anthropic SDK → OpenAI upstream: a base64 PDF document becomes a Chat file part, a text document text', async () => {
    const up = m.up.openai;
    const r = await anthropic.messages.create({ model: up.model, max_tokens: 256, messages: [{ role: 'user', content: [
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'Spec', citations: { enabled: true } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes' } },
      { type: 'text', text: 'summarize the attached document' },
    ] }] });
    assert.match(r.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), /summarize the attached document/);
    const body = up.lastBody() as Json;
    assert.deepEqual(body.messages, [{ role: 'user', content: [
      { type: 'file', file: { file_data: PDF_DATA_URL, filename: 'document.pdf' } },
      { type: 'text', text: 'plain notes' },
      { type: 'text', text: 'summarize the attached document' },
    ] }]);
  });

  it('Anthropic SDK → OpenAI upstream: a PDF a tool returned follows the tool message in a user message', async () => {
    const up = m.up.openai;
    await anthropic.messages.create({ model: up.model, max_tokens: 256, messages: [
      { role: 'user', content: 'read report.pdf' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_read1', name: 'read', input: { path: 'report.pdf' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_read1', content: [
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } }] }] },
    ], tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }] });
    const messages = (up.lastBody() as Json).messages as Json[];
    assert.deepEqual(messages.slice(2), [
      { role: 'tool', tool_call_id: 'toolu_read1', content: '' },
      { role: 'user', content: [{ type: 'file', file: { file_data: PDF_DATA_URL, filename: 'document.pdf' } }] },
    ]);
  });

  it('OpenAI SDK → Anthropic upstream: a Chat file part becomes a base64 document titled with the file name', async () => {
    const up = m.up.anthropic;
    const r = await openai.chat.completions.create({ model: up.model, messages: [{ role: 'user', content: [
      { type: 'text', text: 'what does q3.pdf say' },
      { type: 'file', file: { file_data: PDF_DATA_URL, filename: 'q3.pdf' } },
    ] }] });
    assert.match(r.choices[0]!.message.content ?? '', /what does q3\.pdf say/);
    const body = up.lastBody() as Json;
    assert.deepEqual(body.messages, [{ role: 'user', content: [
      { type: 'text', text: 'what does q3.pdf say' },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'q3.pdf' },
    ] }]);
  });

  it('forms the upstream cannot carry are a 400 naming the part, and no upstream call is made', async () => {
    const toAnthropic = m.up.anthropic.chatRequests().length;
    await assert.rejects(openai.chat.completions.create({ model: m.up.anthropic.model, messages: [{ role: 'user', content: [
      { type: 'text', text: 'x' }, { type: 'file', file: { file_id: 'file-abc123' } }] }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError, String(e));
      assert.match(e.message, /messages\[0\]\.parts\[1\].*Anthropic upstream.*file_id/);
      return true;
    });
    assert.equal(m.up.anthropic.chatRequests().length, toAnthropic);

    const toOpenAI = m.up.openai.chatRequests().length;
    await assert.rejects(anthropic.messages.create({ model: m.up.openai.model, max_tokens: 64, messages: [{ role: 'user', content: [
      { type: 'document', source: { type: 'url', url: 'https://example.test/spec.pdf' } }, { type: 'text', text: 'x' }] }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.BadRequestError, String(e));
      assert.match(e.message, /OpenAI Chat upstream.*URL/);
      return true;
    });
    assert.equal(m.up.openai.chatRequests().length, toOpenAI);
  });
});
