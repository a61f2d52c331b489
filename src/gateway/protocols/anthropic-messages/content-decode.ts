/**
 * Anthropic content blocks → canonical parts. Documents with a base64, text, URL or file source become file
 * parts (`title`, `context`, `citations`, `cache_control` kept in `extra`). Blocks the canonical model has no part
 * for (content-source documents, server tool blocks, search results…) become a text part that other protocols
 * see as a short placeholder (or the document's plain text), with the raw block kept in `extra` so the
 * Anthropic encoder restores it.
 */
import { invalidRequest } from '../../core/errors';
import type { Extra, FilePart, FileSource, ImagePart, ImageSource, Part, TextPart } from '../../core/model';
import { isRecord } from './wire';

/** The namespace of this protocol in `extra`. */
export const NS = 'anthropic-messages';

/** Keys of `block` not in `known` (cache_control, citations…), as an Extra; undefined when none. */
export function extraOf(block: Record<string, unknown>, known: readonly string[]): Extra | undefined {
  // Object.keys, and no object until one is needed: this runs per content block.
  let rest: Record<string, unknown> | undefined;
  for (const k of Object.keys(block)) {
    const v = block[k];
    if (v !== undefined && !known.includes(k)) (rest ??= {})[k] = v;
  }
  return rest ? { [NS]: rest } : undefined;
}

/*
 * Where a block is, for error messages, travels as `base` and `index` (`${base}[${index}]`, or `base` alone when
 * index < 0) and a field suffix, joined only when an error is thrown: building those strings for every block of
 * every message cost more than decoding the blocks.
 */
const at = (base: string, index: number, suffix = ''): string => (index < 0 ? `${base}${suffix}` : `${base}[${index}]${suffix}`);

function str(v: unknown, base: string, index: number, suffix: string): string {
  if (typeof v !== 'string') { const param = at(base, index, suffix); throw invalidRequest(`${param}: expected a string`, param); }
  return v;
}

/** An image `source` → ImageSource; undefined for sources we cannot carry (file ids). */
export function decodeImageSource(source: unknown, param: string): ImageSource | undefined {
  return imageSource(source, param, -1, '');
}

function imageSource(source: unknown, base: string, index: number, suffix: string): ImageSource | undefined {
  if (!isRecord(source)) { const param = at(base, index, suffix); throw invalidRequest(`${param}: source must be an object`, param); }
  if (source.type === 'base64') {
    return { kind: 'base64', mediaType: str(source.media_type, base, index, `${suffix}.media_type`), data: str(source.data, base, index, `${suffix}.data`) };
  }
  if (source.type === 'url') return { kind: 'url', url: str(source.url, base, index, `${suffix}.url`) };
  return undefined;
}

/** Plain text of a document whose source is content blocks (other sources are file parts); undefined otherwise. */
function documentText(block: Record<string, unknown>): string | undefined {
  const src = block.source;
  if (!isRecord(src)) return undefined;
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

/** A document's source → FileSource; undefined for sources kept as raw blocks (`content`, unknown types). */
function documentSource(source: unknown, base: string, index: number): FileSource | undefined {
  if (!isRecord(source)) { const param = at(base, index, '.source'); throw invalidRequest(`${param}: source must be an object`, param); }
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: str(source.media_type, base, index, '.source.media_type'), data: str(source.data, base, index, '.source.data') };
    case 'text': return { kind: 'text', text: str(source.data, base, index, '.source.data') };
    // Anthropic fetches only PDFs by URL.
    case 'url': return { kind: 'url', url: str(source.url, base, index, '.source.url'), mediaType: 'application/pdf' };
    case 'file': return { kind: 'file-id', fileId: str(source.file_id, base, index, '.source.file_id'), store: 'anthropic' };
    default: return undefined;
  }
}

const DOCUMENT_KNOWN = ['type', 'source'];

function decodeDocument(block: Record<string, unknown>, base: string, index: number): FilePart | TextPart {
  const source = documentSource(block.source, base, index);
  if (!source) return opaque(block);
  const part: FilePart = { type: 'file', source };
  const extra = extraOf(block, DOCUMENT_KNOWN);
  if (extra) part.extra = extra;
  return part;
}

const IMAGE_KNOWN = ['type', 'source'];
const TEXT_KNOWN = ['type', 'text'];

function decodeImage(block: Record<string, unknown>, base: string, index: number): ImagePart | TextPart {
  const source = imageSource(block.source, base, index, '.source');
  if (!source) return opaque(block);
  const part: ImagePart = { type: 'image', source };
  const extra = extraOf(block, IMAGE_KNOWN);
  if (extra) part.extra = extra;
  return part;
}

function decodeText(block: Record<string, unknown>, base: string, index: number): TextPart {
  const part: TextPart = { type: 'text', text: str(block.text, base, index, '.text') };
  const extra = extraOf(block, TEXT_KNOWN);
  if (extra) part.extra = extra;
  return part;
}

/** Content of a tool_result (string or blocks) → text, image and file parts; `param` is built only for an error. */
function decodeToolResultContent(content: unknown, param: () => string): Array<TextPart | ImagePart | FilePart> {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) { const p = param(); throw invalidRequest(`${p}: expected a string or an array of blocks`, p); }
  const base = param();
  const out: Array<TextPart | ImagePart | FilePart> = [];
  for (let i = 0; i < content.length; i++) {
    const b: unknown = content[i];
    if (!isRecord(b)) { const p = `${base}[${i}]`; throw invalidRequest(`${p}: expected a content block`, p); }
    out.push(b.type === 'text' ? decodeText(b, base, i) : b.type === 'image' ? decodeImage(b, base, i)
      : b.type === 'document' ? decodeDocument(b, base, i) : opaque(b));
  }
  return out;
}

/** One request content block → one canonical part. */
export function decodeBlock(block: unknown, param: string): Part {
  return decodeBlockAt(block, param, -1);
}

function decodeBlockAt(block: unknown, base: string, index: number): Part {
  if (!isRecord(block) || typeof block.type !== 'string') { const p = at(base, index); throw invalidRequest(`${p}: expected a content block with a type`, p); }
  switch (block.type) {
    case 'text': return decodeText(block, base, index);
    case 'image': return decodeImage(block, base, index);
    case 'document': return decodeDocument(block, base, index);
    case 'thinking': {
      const part: Part = { type: 'reasoning', text: str(block.thinking, base, index, '.thinking') };
      if (typeof block.signature === 'string' && block.signature) part.signature = block.signature;
      return part;
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redactedData: str(block.data, base, index, '.data') };
    case 'tool_use': {
      const part: Part = {
        type: 'tool-call',
        callId: str(block.id, base, index, '.id'),
        name: str(block.name, base, index, '.name'),
        argsJson: JSON.stringify(block.input ?? {}),
      };
      const extra = extraOf(block, TOOL_USE_KNOWN);
      if (extra) part.extra = extra;
      return part;
    }
    case 'tool_result': {
      const part: Part = {
        type: 'tool-result',
        callId: str(block.tool_use_id, base, index, '.tool_use_id'),
        content: decodeToolResultContent(block.content, () => at(base, index, '.content')),
      };
      if (block.is_error === true) part.isError = true;
      const extra = extraOf(block, TOOL_RESULT_KNOWN);
      if (extra) part.extra = extra;
      return part;
    }
    default:
      return opaque(block);
  }
}

const TOOL_USE_KNOWN = ['type', 'id', 'name', 'input'];
const TOOL_RESULT_KNOWN = ['type', 'tool_use_id', 'content', 'is_error'];

/** Message content (string or blocks) → parts. */
export function decodeContent(content: unknown, param: string): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${param}: expected a string or an array of content blocks`, param);
  const out: Part[] = [];
  for (let i = 0; i < content.length; i++) out.push(decodeBlockAt(content[i], param, i));
  return out;
}
