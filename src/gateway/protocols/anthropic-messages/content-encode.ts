/**
 * Canonical parts → Anthropic content blocks. `extra['anthropic-messages']` keys (cache_control, citations…)
 * are re-applied to the block they came from; a kept raw block is re-emitted verbatim.
 */
import type { Extra, ImageSource, Part, TextPart, ImagePart } from '../../core/model';
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

/** One part → one block, or undefined when Anthropic cannot take it (unsigned reasoning, empty text). */
export function encodePart(part: Part): AnthropicOtherBlock | undefined {
  switch (part.type) {
    case 'text':
    case 'image':
      return encodeTextOrImage(part);
    case 'reasoning':
      if (part.redactedData) return { type: 'redacted_thinking', data: part.redactedData };
      // Anthropic rejects thinking without a valid signature; reasoning from other models (DeepSeek…) is dropped.
      if (part.signature) return { type: 'thinking', thinking: part.text, signature: part.signature };
      return undefined;
    case 'tool-call':
      return { type: 'tool_use', id: safeToolId(part.callId), name: part.name, input: parseToolInput(part.argsJson), ...ownExtra(part.extra) };
    case 'tool-result': {
      const blocks = part.content.map(encodeTextOrImage).filter((b): b is AnthropicOtherBlock => b !== undefined);
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

/** Parts → blocks, dropping the ones Anthropic cannot take. */
export function encodeParts(parts: Part[]): AnthropicOtherBlock[] {
  return parts.map(encodePart).filter((b): b is AnthropicOtherBlock => b !== undefined);
}
