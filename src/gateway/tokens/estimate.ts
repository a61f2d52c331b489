/**
 * Input-token ESTIMATE for a canonical request, for `count_tokens` when the upstream cannot count.
 * It uses OpenAI's o200k BPE (gpt-tokenizer), not the upstream model's own tokenizer, so the figure is
 * approximate; a small safety margin makes it err high, because Claude Code compacts on this number and an
 * under-estimate overflows the context silently. It never returns 0 for a request with any content.
 */
import type { countTokens as CountTokens } from 'gpt-tokenizer';

// The tokenizer's tables are ~2.7 MB of code and ~64 MB of memory: loaded on the first count, not at start-up
// (the bundles keep it in a separate dist/tokenizer.js; see esbuild.mjs).
let counter: typeof CountTokens | undefined;
const countTokens: typeof CountTokens = (text, options) =>
  (counter ??= (require('gpt-tokenizer') as { countTokens: typeof CountTokens }).countTokens)(text, options);
import type { ChatRequest, FilePart, ImagePart, Part, ToolDefinition } from '../core/model';

/** Role markers and separators around each message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Framing around a tool call or tool result. */
export const TOOL_PART_OVERHEAD_TOKENS = 4;
/** Framing around each tool definition. */
export const TOOL_DEFINITION_OVERHEAD_TOKENS = 8;
/** Tool-use instructions providers add to the prompt when tools are present (Anthropic documents ~300-350). */
export const TOOLS_PREAMBLE_TOKENS = 300;
/** An image of unknown size (Anthropic's cost of a ~1.15 megapixel image is about w*h/750 ≈ 1600). */
export const UNKNOWN_IMAGE_TOKENS = 1600;
/** A PDF page (Anthropic documents 1,500-3,000 text tokens a page, plus the page as an image): the high end. */
export const PDF_PAGE_TOKENS = 3000;
/** A file whose content is not at hand (URL, uploaded file id) or not text: about one PDF page. */
export const UNKNOWN_FILE_TOKENS = PDF_PAGE_TOKENS;
/** Margin over the o200k count, so the estimate errs high rather than low (a safety factor, not a measurement). */
export const SAFETY_FACTOR = 1.1;

// Special-token strings in user text are counted as plain text instead of throwing.
const PLAIN = { disallowedSpecial: new Set<string>() };

/** Tokens of a text under o200k_base. */
export function countTextTokens(text: string): number {
  return text ? countTokens(text, PLAIN) : 0;
}

/** Image tokens: Anthropic's w*h/750 when the size is known, else a fixed figure. */
export function estimateImageTokens(_image: ImagePart, size?: { width: number; height: number }): number {
  return size ? Math.max(1, Math.ceil((size.width * size.height) / 750)) : UNKNOWN_IMAGE_TOKENS;
}

/**
 * File tokens: plain text is counted; a PDF costs PDF_PAGE_TOKENS per page object found in its bytes (at least one:
 * pages inside compressed object streams are not visible); anything else is UNKNOWN_FILE_TOKENS.
 */
export function estimateFileTokens(file: FilePart): number {
  const src = file.source;
  if (src.kind === 'text') return countTextTokens(src.text);
  if (src.kind !== 'base64') return UNKNOWN_FILE_TOKENS;
  const type = src.mediaType.toLowerCase();
  if (type.startsWith('text/')) return countTextTokens(Buffer.from(src.data, 'base64').toString('utf8'));
  if (!type.startsWith('application/pdf')) return UNKNOWN_FILE_TOKENS;
  const pages = Buffer.from(src.data, 'base64').toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  return Math.max(1, pages) * PDF_PAGE_TOKENS;
}

function partTokens(p: Part): number {
  switch (p.type) {
    case 'text': return countTextTokens(p.text);
    case 'image': return estimateImageTokens(p);
    case 'file': return estimateFileTokens(p);
    // Redacted thinking is opaque; its base64 payload is roughly 4 characters per token of hidden text.
    case 'reasoning': return countTextTokens(p.text) + (p.redactedData ? Math.ceil(p.redactedData.length / 4) : 0);
    case 'tool-call': return TOOL_PART_OVERHEAD_TOKENS + countTextTokens(p.name) + countTextTokens(p.argsJson);
    case 'tool-result': return TOOL_PART_OVERHEAD_TOKENS + p.content.reduce((n, c) => n + partTokens(c), 0);
  }
}

function toolTokens(t: ToolDefinition): number {
  return TOOL_DEFINITION_OVERHEAD_TOKENS + countTextTokens(t.name) + countTextTokens(t.description ?? '')
    + countTextTokens(JSON.stringify(t.parameters));
}

/** Estimated input tokens of a request: system, messages, tool definitions and images. */
export function estimateInputTokens(req: ChatRequest): number {
  let total = 0;
  for (const m of req.messages) total += MESSAGE_OVERHEAD_TOKENS + m.parts.reduce((n, p) => n + partTokens(p), 0);
  if (req.tools?.length) total += TOOLS_PREAMBLE_TOKENS + req.tools.reduce((n, t) => n + toolTokens(t), 0);
  return Math.max(1, Math.ceil(total * SAFETY_FACTOR));
}

/** The body of an Anthropic `count_tokens` response for a request. */
export function countTokensResponse(req: ChatRequest): { input_tokens: number } {
  return { input_tokens: estimateInputTokens(req) };
}
