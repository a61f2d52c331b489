import assert from 'node:assert/strict';
import type { FilePart } from '../../../src/gateway/core/model';
import { countTextTokens, estimateFileTokens, estimateInputTokens, PDF_PAGE_TOKENS, UNKNOWN_FILE_TOKENS } from '../../../src/gateway/tokens/estimate';

const pdf = (pages: number): FilePart => {
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj`);
  const text = ['%PDF-1.4', '2 0 obj << /Type /Pages /Count 1 >> endobj', ...objects, '%%EOF'].join('\n');
  return { type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: Buffer.from(text).toString('base64') } };
};

describe('tokens/estimate: files', () => {
  it('counts PDF page objects (not the /Pages tree), at least one page', () => {
    assert.equal(estimateFileTokens(pdf(3)), 3 * PDF_PAGE_TOKENS);
    assert.equal(estimateFileTokens(pdf(0)), PDF_PAGE_TOKENS);
  });

  it('counts plain text, inline or decoded from text/* bytes', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(50);
    assert.equal(estimateFileTokens({ type: 'file', source: { kind: 'text', text } }), countTextTokens(text));
    assert.equal(estimateFileTokens({ type: 'file', source: { kind: 'base64', mediaType: 'text/markdown', data: Buffer.from(text).toString('base64') } }), countTextTokens(text));
  });

  it('gives files it cannot see a fixed figure, also inside tool results', () => {
    assert.equal(estimateFileTokens({ type: 'file', source: { kind: 'url', url: 'https://x.test/a.pdf' } }), UNKNOWN_FILE_TOKENS);
    assert.equal(estimateFileTokens({ type: 'file', source: { kind: 'file-id', fileId: 'file-1', store: 'openai' } }), UNKNOWN_FILE_TOKENS);
    const plain = estimateInputTokens({ model: 'm', stream: false, messages: [{ role: 'tool', parts: [{ type: 'tool-result', callId: 'c', content: [] }] }] });
    const withFile = estimateInputTokens({ model: 'm', stream: false, messages: [{ role: 'tool', parts: [{ type: 'tool-result', callId: 'c', content: [pdf(2)] }] }] });
    assert.ok(withFile >= plain + 2 * PDF_PAGE_TOKENS);
  });
});
