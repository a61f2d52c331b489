/**
 * Responses `input` items → canonical messages. Responses history is a flat list of items; canonical history groups
 * consecutive assistant-side items (message, reasoning, function_call) into one assistant message and consecutive
 * tool outputs into one tool message.
 */
import type { FilePart, FileSource, ImagePart, Message, Part, ReasoningPart, TextPart, ToolResultPart } from '../../core/model';
import { invalidRequest } from '../../core/errors';
import { decodeFileData } from '../files';
import { isObject, type JsonObject } from './normalize';
import { decodeReasoningCarry, isReasoningCarry } from './reasoning-carry';
import { NS, namespacedName } from './tools';

/**
 * Decoded input. Items the canonical model cannot hold (web_search_call, compaction…) are kept for a Responses
 * upstream in the preceding message's extra (`items_after`), or here when no message precedes them.
 */
export interface DecodedInput { messages: Message[]; leadingItems: JsonObject[] }

/** Parses a `data:` URL into media type and base64 payload. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1] ?? 'application/octet-stream', data: m[2] ?? '' } : undefined;
}

function decodeImage(p: JsonObject, param: string): ImagePart | undefined {
  if (typeof p.image_url !== 'string') return undefined;
  const data = parseDataUrl(p.image_url);
  const part: ImagePart = data
    ? { type: 'image', source: { kind: 'base64', mediaType: data.mediaType, data: data.data } }
    : { type: 'image', source: { kind: 'url', url: p.image_url } };
  if (!data && !/^https?:/i.test(p.image_url)) throw invalidRequest('image_url must be a data: or http(s) URL.', param);
  if (typeof p.detail === 'string') part.detail = p.detail;
  return part;
}

const FILE_KNOWN = new Set(['type', 'file_data', 'file_url', 'file_id', 'filename']);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `input_file` → a file part: `file_data` (a base64 data URL, or bare base64) is portable, `file_url` reaches
 * upstreams that fetch URLs, `file_id` only OpenAI protocols. Other fields (`detail`…) stay for a Responses upstream.
 */
function decodeFile(p: JsonObject, at: string): FilePart {
  const filename = text(p.filename);
  const data = text(p.file_data);
  const url = text(p.file_url);
  const id = text(p.file_id);
  let source: FileSource;
  if (data !== undefined) source = decodeFileData(data, filename, `${at}.file_data`);
  else if (url !== undefined) source = { kind: 'url', url };
  else if (id !== undefined) source = { kind: 'file-id', fileId: id, store: 'openai' };
  else throw invalidRequest('input_file needs file_data, file_url or file_id.', at);
  const part: FilePart = { type: 'file', source };
  if (filename !== undefined) part.filename = filename;
  let extra: JsonObject | undefined;
  for (const k of Object.keys(p)) if (!FILE_KNOWN.has(k) && p[k] !== undefined && p[k] !== null) (extra ??= {})[k] = p[k];
  if (extra) part.extra = { [NS]: extra };
  return part;
}

/** Decodes message content; parts the canonical model lacks (file_id images, input_audio…) are returned separately. */
function decodeContent(content: unknown, param: string): { parts: Array<TextPart | ImagePart | FilePart>; kept: JsonObject[] } {
  if (typeof content === 'string') return { parts: [{ type: 'text', text: content }], kept: [] };
  if (!Array.isArray(content)) throw invalidRequest('Message content must be a string or an array of parts.', param);
  const parts: Array<TextPart | ImagePart | FilePart> = [];
  const kept: JsonObject[] = [];
  content.forEach((p: unknown, i) => {
    const at = `${param}[${i}]`;
    if (!isObject(p)) throw invalidRequest('Content parts must be objects.', at);
    if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string') {
      parts.push({ type: 'text', text: p.text });
    } else if (p.type === 'refusal' && typeof p.refusal === 'string') {
      parts.push({ type: 'text', text: p.refusal, extra: { [NS]: { refusal: true } } });
    } else if (p.type === 'input_image') {
      const img = decodeImage(p, `${at}.image_url`);
      if (img) parts.push(img); else kept.push(p);
    } else if (p.type === 'input_file') {
      parts.push(decodeFile(p, at));
    } else if (typeof p.type === 'string') {
      kept.push(p);
    } else {
      throw invalidRequest('Content part type must be a string.', `${at}.type`);
    }
  });
  return { parts, kept };
}

function decodeReasoning(item: JsonObject): ReasoningPart {
  const summary = Array.isArray(item.summary) ? item.summary : [];
  const summaryText = summary.map((s: unknown) => (isObject(s) && typeof s.text === 'string' ? s.text : '')).filter((t) => t !== '').join('\n\n');
  const content = Array.isArray(item.content) ? item.content : [];
  const contentText = content.map((c: unknown) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('');
  const extra: JsonObject = {};
  if (typeof item.id === 'string') extra.id = item.id;
  if (summary.length > 0) extra.summary = summary;
  const encrypted = typeof item.encrypted_content === 'string' ? item.encrypted_content : undefined;
  const carry = encrypted !== undefined ? decodeReasoningCarry(encrypted) : undefined;
  const part: ReasoningPart = { type: 'reasoning', text: carry ? carry.text : contentText || summaryText };
  if (carry?.signature !== undefined) part.signature = carry.signature;
  if (carry?.redactedData !== undefined) part.redactedData = carry.redactedData;
  if (encrypted !== undefined && !isReasoningCarry(encrypted)) extra.encrypted_content = encrypted;
  part.extra = { [NS]: extra };
  return part;
}

function decodeToolOutput(output: unknown, param: string): { content: Array<TextPart | ImagePart | FilePart>; isError?: boolean } {
  if (typeof output === 'string') return { content: [{ type: 'text', text: output }] };
  // Older Codex builds sent failures as {content, success:false}.
  if (isObject(output) && typeof output.content === 'string') {
    return output.success === false ? { content: [{ type: 'text', text: output.content }], isError: true } : { content: [{ type: 'text', text: output.content }] };
  }
  const { parts } = decodeContent(output, param);
  return { content: parts };
}

/** Decodes normalised input items into canonical messages. */
export function decodeInputItems(items: JsonObject[]): DecodedInput {
  const messages: Message[] = [];
  const leadingItems: JsonObject[] = [];
  const last = (): Message | undefined => messages[messages.length - 1];
  const assistant = (): Message => {
    const m = last();
    if (m?.role === 'assistant') return m;
    const created: Message = { role: 'assistant', parts: [] };
    messages.push(created);
    return created;
  };
  items.forEach((item, i) => {
    const param = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        const role = item.role;
        if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
          throw invalidRequest(`Invalid role '${String(role)}'.`, `${param}.role`);
        }
        const { parts, kept } = decodeContent(item.content, `${param}.content`);
        const extra: JsonObject = {};
        for (const k of Object.keys(item)) if (k !== 'type' && k !== 'role' && k !== 'content') extra[k] = item[k];
        if (kept.length > 0) extra.kept_parts = kept;
        if (role === 'developer') extra.role = 'developer';
        if (role === 'assistant') {
          const m = assistant();
          m.parts.push(...parts);
          if (Object.keys(extra).length > 0) m.extra = { [NS]: { ...(m.extra?.[NS] ?? {}), ...extra } };
          return;
        }
        const m: Message = { role: role === 'user' ? 'user' : 'system', parts };
        if (Object.keys(extra).length > 0) m.extra = { [NS]: extra };
        messages.push(m);
        return;
      }
      case 'reasoning':
        assistant().parts.push(decodeReasoning(item));
        return;
      case 'function_call':
      case 'custom_tool_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string') throw invalidRequest('A tool call item needs call_id and name.', param);
        const custom = item.type === 'custom_tool_call';
        const namespace = typeof item.namespace === 'string' ? item.namespace : undefined;
        const extra: JsonObject = {};
        if (typeof item.id === 'string') extra.id = item.id;
        if (namespace) { extra.namespace = namespace; extra.name = item.name; }
        if (custom) extra.custom = true;
        const argsJson = custom
          ? JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' })
          : typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {});
        const part: Part = { type: 'tool-call', callId: item.call_id, name: namespace ? namespacedName(namespace, item.name) : item.name, argsJson };
        if (Object.keys(extra).length > 0) part.extra = { [NS]: extra };
        assistant().parts.push(part);
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        if (typeof item.call_id !== 'string') throw invalidRequest('A tool output item needs call_id.', `${param}.call_id`);
        const { content, isError } = decodeToolOutput(item.output, `${param}.output`);
        const part: ToolResultPart = { type: 'tool-result', callId: item.call_id, content };
        if (isError) part.isError = true;
        if (item.type === 'custom_tool_call_output') part.extra = { [NS]: { custom: true } };
        const m = last();
        if (m?.role === 'tool') m.parts.push(part); else messages.push({ role: 'tool', parts: [part] });
        return;
      }
      case '__invalid__':
        throw invalidRequest('Each input item must be an object.', param);
      default:
        if (typeof item.type !== 'string') throw invalidRequest('Input item type must be a string.', `${param}.type`);
        keepItem(last(), item, leadingItems);
    }
  });
  return { messages, leadingItems };
}

function keepItem(m: Message | undefined, item: JsonObject, leading: JsonObject[]): void {
  if (!m) { leading.push(item); return; }
  const extra = m.extra?.[NS] ?? {};
  const after = Array.isArray(extra.items_after) ? extra.items_after : [];
  m.extra = { ...m.extra, [NS]: { ...extra, items_after: [...after, item] } };
}
