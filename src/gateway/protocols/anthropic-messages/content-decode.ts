/**
 * Anthropic content blocks → canonical parts. Blocks the canonical model has no part for (PDF documents,
 * server tool blocks, search results…) become a text part that other protocols see as a short placeholder
 * (or the document's plain text), with the raw block kept in `extra` so the Anthropic encoder restores it.
 */
import { invalidRequest } from '../../core/errors';
import type { Extra, ImagePart, ImageSource, Part, TextPart } from '../../core/model';
import { isRecord } from './wire';

/** The namespace of this protocol in `extra`. */
export const NS = 'anthropic-messages';

/** Keys of `block` not in `known` (cache_control, citations…), as an Extra; undefined when none. */
export function extraOf(block: Record<string, unknown>, known: readonly string[]): Extra | undefined {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(block)) if (!known.includes(k) && v !== undefined) rest[k] = v;
  return Object.keys(rest).length ? { [NS]: rest } : undefined;
}

function str(v: unknown, param: string): string {
  if (typeof v !== 'string') throw invalidRequest(`${param}: expected a string`, param);
  return v;
}

/** An image `source` → ImageSource; undefined for sources we cannot carry (file ids). */
export function decodeImageSource(source: unknown, param: string): ImageSource | undefined {
  if (!isRecord(source)) throw invalidRequest(`${param}: source must be an object`, param);
  if (source.type === 'base64') return { kind: 'base64', mediaType: str(source.media_type, `${param}.media_type`), data: str(source.data, `${param}.data`) };
  if (source.type === 'url') return { kind: 'url', url: str(source.url, `${param}.url`) };
  return undefined;
}

/** Plain text of a document whose source is text or content blocks; undefined for PDFs and files. */
function documentText(block: Record<string, unknown>): string | undefined {
  const src = block.source;
  if (!isRecord(src)) return undefined;
  if (src.type === 'text' && typeof src.data === 'string') return src.data;
  if (src.type === 'content') {
    if (typeof src.content === 'string') return src.content;
    if (Array.isArray(src.content)) {
      return src.content.filter((b): b is { text: string } => isRecord(b) && typeof b.text === 'string').map((b) => b.text).join('\n');
    }
  }
  return undefined;
}

/** A block with no canonical part: readable text for others, the raw block for the Anthropic encoder. */
function opaque(block: Record<string, unknown>): TextPart {
  const type = typeof block.type === 'string' ? block.type : 'unknown';
  const text = type === 'document' ? documentText(block) : undefined;
  const title = typeof block.title === 'string' ? `: ${block.title}` : '';
  return { type: 'text', text: text ?? `[${type}${title} omitted]`, extra: { [NS]: { rawBlock: block } } };
}

function decodeImage(block: Record<string, unknown>, param: string): ImagePart | TextPart {
  const source = decodeImageSource(block.source, `${param}.source`);
  if (!source) return opaque(block);
  const part: ImagePart = { type: 'image', source };
  const extra = extraOf(block, ['type', 'source']);
  if (extra) part.extra = extra;
  return part;
}

function decodeText(block: Record<string, unknown>, param: string): TextPart {
  const part: TextPart = { type: 'text', text: str(block.text, `${param}.text`) };
  const extra = extraOf(block, ['type', 'text']);
  if (extra) part.extra = extra;
  return part;
}

/** Content of a tool_result (string or blocks) → text and image parts. */
function decodeToolResultContent(content: unknown, param: string): Array<TextPart | ImagePart> {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) throw invalidRequest(`${param}: expected a string or an array of blocks`, param);
  return content.map((b, i) => {
    const p = `${param}[${i}]`;
    if (!isRecord(b)) throw invalidRequest(`${p}: expected a content block`, p);
    if (b.type === 'text') return decodeText(b, p);
    if (b.type === 'image') return decodeImage(b, p);
    return opaque(b);
  });
}

/** One request content block → one canonical part. */
export function decodeBlock(block: unknown, param: string): Part {
  if (!isRecord(block) || typeof block.type !== 'string') throw invalidRequest(`${param}: expected a content block with a type`, param);
  switch (block.type) {
    case 'text': return decodeText(block, param);
    case 'image': return decodeImage(block, param);
    case 'thinking': {
      const part: Part = { type: 'reasoning', text: str(block.thinking, `${param}.thinking`) };
      if (typeof block.signature === 'string' && block.signature) part.signature = block.signature;
      return part;
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redactedData: str(block.data, `${param}.data`) };
    case 'tool_use': {
      const part: Part = {
        type: 'tool-call',
        callId: str(block.id, `${param}.id`),
        name: str(block.name, `${param}.name`),
        argsJson: JSON.stringify(block.input ?? {}),
      };
      const extra = extraOf(block, ['type', 'id', 'name', 'input']);
      if (extra) part.extra = extra;
      return part;
    }
    case 'tool_result': {
      const part: Part = {
        type: 'tool-result',
        callId: str(block.tool_use_id, `${param}.tool_use_id`),
        content: decodeToolResultContent(block.content, `${param}.content`),
      };
      if (block.is_error === true) part.isError = true;
      const extra = extraOf(block, ['type', 'tool_use_id', 'content', 'is_error']);
      if (extra) part.extra = extra;
      return part;
    }
    default:
      return opaque(block);
  }
}

/** Message content (string or blocks) → parts. */
export function decodeContent(content: unknown, param: string): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${param}: expected a string or an array of content blocks`, param);
  return content.map((b, i) => decodeBlock(b, `${param}[${i}]`));
}
