/**
 * Canonical parts → Anthropic content blocks. `extra['anthropic-messages']` keys (cache_control, citations…)
 * are re-applied to the block they came from; a kept raw block is re-emitted verbatim.
 */
import type { Extra, FilePart, ImageSource, Part, TextPart, ImagePart } from '../../core/model';
import { base64ToText, describeSource, isImageType, isPdf, isTextType, unsupportedFile } from '../files';
import { NS } from './content-decode';
import { isRecord, type AnthropicOtherBlock } from './wire';

/** This protocol's extras of a part, without the internal `rawBlock` key. */
export function ownExtra(extra: Extra | undefined): Record<string, unknown> {
  const own = extra?.[NS];
  if (!own) return {};
  const { rawBlock: _raw, ...rest } = own;
  return rest;
}

function rawBlock(extra: Extra | undefined): AnthropicOtherBlock | undefined {
  const raw = extra?.[NS]?.rawBlock;
  return isRecord(raw) && typeof raw.type === 'string' ? (raw as AnthropicOtherBlock) : undefined;
}

/** Anthropic ids must match ^[a-zA-Z0-9_-]+$; other protocols' ids are made to fit, consistently. */
export function safeToolId(id: string): string {
  const safe = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return safe || 'toolu_missing';
}

function encodeImageSource(source: ImageSource): Record<string, unknown> {
  if (source.kind === 'base64') return { type: 'base64', media_type: source.mediaType, data: source.data };
  // OpenAI clients send inline images as data: URLs; Anthropic wants those as base64 sources.
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (m) return { type: 'base64', media_type: m[1], data: m[2] };
  return { type: 'url', url: source.url };
}

const TARGET = 'an Anthropic upstream';

/**
 * A file part → a `document` block: PDFs inline or by URL, plain text (text/* bytes are decoded), Anthropic file
 * ids; an image file becomes an image block. Anything else (other media types, other vendors' file ids) is a 400
 * naming the part (`where`). The file name becomes the document's `title` unless the part already has one.
 */
function encodeFile(part: FilePart, where: () => string): AnthropicOtherBlock {
  const src = part.source;
  const own = ownExtra(part.extra);
  let source: Record<string, unknown>;
  switch (src.kind) {
    case 'text':
      source = { type: 'text', media_type: 'text/plain', data: src.text };
      break;
    case 'base64':
      if (isImageType(src.mediaType)) return { type: 'image', source: { type: 'base64', media_type: src.mediaType, data: src.data }, ...own };
      if (isPdf(src.mediaType)) source = { type: 'base64', media_type: 'application/pdf', data: src.data };
      else if (isTextType(src.mediaType)) source = { type: 'text', media_type: 'text/plain', data: base64ToText(src.data) };
      else throw unsupportedFile(where(), TARGET, `Anthropic takes documents as PDF or plain text, not ${src.mediaType}`);
      break;
    case 'url':
      if (isImageType(src.mediaType)) return { type: 'image', source: { type: 'url', url: src.url }, ...own };
      if (src.mediaType !== undefined && !isPdf(src.mediaType)) {
        throw unsupportedFile(where(), TARGET, `Anthropic fetches only PDFs by URL, not ${src.mediaType}; send the file inline instead`);
      }
      source = { type: 'url', url: src.url };
      break;
    case 'file-id':
      if (src.store !== 'anthropic') throw unsupportedFile(where(), TARGET, `${describeSource(src)} can be read only through its own vendor's API; send the file inline instead`);
      source = { type: 'file', file_id: src.fileId };
      break;
  }
  const block: AnthropicOtherBlock = { type: 'document', source };
  if (part.filename && own.title === undefined) block.title = part.filename;
  return { ...block, ...own };
}

function encodeTextOrImage(part: TextPart | ImagePart): AnthropicOtherBlock | undefined {
  const raw = rawBlock(part.extra);
  if (raw) return raw;
  if (part.type === 'image') return { type: 'image', source: encodeImageSource(part.source), ...ownExtra(part.extra) };
  // Anthropic rejects empty text blocks.
  if (!part.text) return undefined;
  return { type: 'text', text: part.text, ...ownExtra(part.extra) };
}

/** Parses tool arguments into the object Anthropic requires; anything else (invalid JSON, arrays) becomes {}. */
export function parseToolInput(argsJson: string): Record<string, unknown> {
  if (!argsJson.trim()) return {};
  try {
    const v: unknown = JSON.parse(argsJson);
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

/** Where a part sits, for errors: `param[index]`, or `param` alone when index < 0; joined only when one is thrown. */
const at = (param: string, index: number): string => (index < 0 ? param : `${param}[${index}]`);

/**
 * One part → one block, or undefined when Anthropic cannot take it (unsigned reasoning, empty text). `param` and
 * `index` name the part in the 400 for a file Anthropic cannot carry.
 */
export function encodePart(part: Part, param = 'content', index = -1): AnthropicOtherBlock | undefined {
  switch (part.type) {
    case 'text':
    case 'image':
      return encodeTextOrImage(part);
    case 'file':
      return encodeFile(part, () => at(param, index));
    case 'reasoning':
      if (part.redactedData) return { type: 'redacted_thinking', data: part.redactedData };
      // Anthropic rejects thinking without a valid signature; reasoning from other models (DeepSeek…) is dropped.
      if (part.signature) return { type: 'thinking', thinking: part.text, signature: part.signature };
      return undefined;
    case 'tool-call':
      return { type: 'tool_use', id: safeToolId(part.callId), name: part.name, input: parseToolInput(part.argsJson), ...ownExtra(part.extra) };
    case 'tool-result': {
      const blocks: AnthropicOtherBlock[] = [];
      part.content.forEach((c, k) => {
        const b = c.type === 'file' ? encodeFile(c, () => `${at(param, index)}.content[${k}]`) : encodeTextOrImage(c);
        if (b) blocks.push(b);
      });
      const only = part.content[0];
      const plain = part.content.length === 1 && only?.type === 'text' && !only.extra;
      const block: AnthropicOtherBlock = { type: 'tool_result', tool_use_id: safeToolId(part.callId) };
      if (plain) block.content = only.text;
      else if (blocks.length) block.content = blocks;
      if (part.isError) block.is_error = true;
      return { ...block, ...ownExtra(part.extra) };
    }
  }
}

/** Parts → blocks, dropping the ones Anthropic cannot take; `param` (e.g. `messages[2].parts`) names parts in errors. */
export function encodeParts(parts: Part[], param = 'parts'): AnthropicOtherBlock[] {
  const out: AnthropicOtherBlock[] = [];
  for (let j = 0; j < parts.length; j++) {
    const b = encodePart(parts[j]!, param, j);
    if (b) out.push(b);
  }
  return out;
}
