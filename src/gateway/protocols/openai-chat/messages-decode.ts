/** OpenAI Chat `messages` → canonical messages, validating as it goes (errors name the offending param). */
import type { Extra, FilePart, FileSource, ImagePart, ImageSource, Message, Part, TextPart, ToolCallPart } from '../../core/model';
import { invalidRequest } from '../../core/errors';
import { decodeFileData } from '../files';
import { isRecord, str } from './narrow';

const KNOWN_MESSAGE_FIELDS: Record<string, ReadonlySet<string>> = {
  system: new Set(['role', 'content']),
  developer: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'reasoning_content', 'reasoning']),
  tool: new Set(['role', 'content', 'tool_call_id']),
};

/** Decodes and validates the `messages` array. */
export function decodeMessages(raw: unknown): Message[] {
  if (raw === undefined) throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(raw)) throw invalidRequest("Invalid type for 'messages': expected an array.", 'messages', 'invalid_type');
  if (raw.length === 0) throw invalidRequest("Invalid 'messages': empty array. Expected at least one message.", 'messages', 'empty_array');
  return raw.map((m, i) => decodeMessage(m, `messages[${i}]`));
}

function decodeMessage(raw: unknown, at: string): Message {
  if (!isRecord(raw)) throw invalidRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
  const role = raw.role;
  if (typeof role !== 'string' || !(role in KNOWN_MESSAGE_FIELDS)) {
    throw invalidRequest(
      `Invalid value for '${at}.role': ${JSON.stringify(role)}. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.`,
      `${at}.role`, 'invalid_value');
  }
  const message = decodeByRole(role, raw, at);
  const extra = messageExtra(role, raw);
  if (extra) message.extra = { 'openai-chat': extra };
  return message;
}

function decodeByRole(role: string, raw: Record<string, unknown>, at: string): Message {
  switch (role) {
    case 'assistant': return { role: 'assistant', parts: decodeAssistant(raw, at) };
    case 'tool': return { role: 'tool', parts: [decodeToolResult(raw, at)] };
    case 'user': return { role: 'user', parts: decodeContent(raw.content, `${at}.content`, true) };
    default: return { role: 'system', parts: decodeContent(raw.content, `${at}.content`, false) };
  }
}

/** Fields the canonical message does not carry (`name`, vendor fields), plus the developer role marker. */
function messageExtra(role: string, raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const known = KNOWN_MESSAGE_FIELDS[role]!;
  // Object.keys, and no object until one is needed: this runs per message (Object.entries costs ~6x as much).
  let extra: Record<string, unknown> | undefined;
  for (const k of Object.keys(raw)) if (!known.has(k)) (extra ??= {})[k] = raw[k];
  // The encoder re-applies this, so a developer message round-trips as developer.
  if (role === 'developer') (extra ??= {}).role = 'developer';
  return extra;
}

/** User/system content: a string or an array of text (and, for users and tools, image and file) parts. */
function decodeContent(content: unknown, at: string, allowMedia: boolean): Array<TextPart | ImagePart | FilePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) {
    throw invalidRequest(`Invalid type for '${at}': expected a string or an array of content parts.`, at, 'invalid_type');
  }
  return content.map((p, j) => decodeContentPart(p, `${at}[${j}]`, allowMedia));
}

function decodeContentPart(raw: unknown, at: string, allowMedia: boolean): TextPart | ImagePart | FilePart {
  if (!isRecord(raw)) throw invalidRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
  if (raw.type === 'text') {
    const text = str(raw.text);
    if (text === undefined) throw invalidRequest(`Invalid type for '${at}.text': expected a string.`, `${at}.text`, 'invalid_type');
    const part: TextPart = { type: 'text', text };
    // OpenRouter-style cache hints on OpenAI parts; only the Anthropic encoder re-applies them.
    if (raw.cache_control !== undefined) part.extra = { 'anthropic-messages': { cache_control: raw.cache_control } };
    return part;
  }
  if (raw.type === 'image_url' && allowMedia) return decodeImagePart(raw, at);
  if (raw.type === 'file' && allowMedia) return decodeFilePart(raw, at);
  throw invalidRequest(`Unsupported content part type ${JSON.stringify(raw.type)} at '${at}.type'.`, `${at}.type`, 'invalid_value');
}

const FILE_PART_KNOWN = new Set(['type', 'file', 'cache_control']);

/**
 * `{type:'file', file:{file_data | file_id, filename}}`. Inline data is portable; a `file_id` names an upload in
 * the OpenAI Files store, so only OpenAI protocols can carry it. Other part fields (e.g. `prompt_cache_breakpoint`)
 * are kept for an OpenAI Chat upstream.
 */
function decodeFilePart(raw: Record<string, unknown>, at: string): FilePart {
  const file = raw.file;
  if (!isRecord(file)) throw invalidRequest(`Invalid type for '${at}.file': expected an object.`, `${at}.file`, 'invalid_type');
  const filename = str(file.filename);
  const data = str(file.file_data);
  const id = str(file.file_id);
  let source: FileSource;
  if (data !== undefined) source = decodeFileData(data, filename, `${at}.file.file_data`);
  else if (id !== undefined) source = { kind: 'file-id', fileId: id, store: 'openai' };
  else throw invalidRequest(`Invalid '${at}.file': expected 'file_data' or 'file_id'.`, `${at}.file`, 'missing_required_parameter');
  const part: FilePart = { type: 'file', source };
  if (filename !== undefined) part.filename = filename;
  let extra: Extra | undefined;
  for (const k of Object.keys(raw)) {
    if (!FILE_PART_KNOWN.has(k)) ((extra ??= {})['openai-chat'] ??= {})[k] = raw[k];
  }
  if (raw.cache_control !== undefined) (extra ??= {})['anthropic-messages'] = { cache_control: raw.cache_control };
  if (extra) part.extra = extra;
  return part;
}

function decodeImagePart(raw: Record<string, unknown>, at: string): ImagePart {
  const image = raw.image_url;
  const url = isRecord(image) ? str(image.url) : str(image);
  if (url === undefined) throw invalidRequest(`Invalid '${at}.image_url': expected an object with a 'url' string.`, `${at}.image_url.url`, 'invalid_type');
  const part: ImagePart = { type: 'image', source: decodeImageUrl(url) };
  const detail = isRecord(image) ? str(image.detail) : undefined;
  if (detail !== undefined) part.detail = detail;
  return part;
}

/** `data:` URLs with base64 payloads become inline sources; anything else stays a URL. */
export function decodeImageUrl(url: string): ImageSource {
  const m = /^data:([^;,]+)((?:;[^;,]*)*);base64,/i.exec(url);
  if (m) return { kind: 'base64', mediaType: m[1]!, data: url.slice(m[0].length) };
  return { kind: 'url', url };
}

/** Assistant turn: reasoning first (DeepSeek `reasoning_content`), then text, then tool calls. */
function decodeAssistant(raw: Record<string, unknown>, at: string): Part[] {
  const parts: Part[] = [];
  const reasoning = str(raw.reasoning_content) ?? str(raw.reasoning);
  if (reasoning) parts.push({ type: 'reasoning', text: reasoning });
  if (raw.content !== undefined && raw.content !== null) {
    if (typeof raw.content === 'string') {
      if (raw.content !== '') parts.push({ type: 'text', text: raw.content });
    } else if (Array.isArray(raw.content)) {
      raw.content.forEach((p, j) => parts.push(decodeAssistantPart(p, `${at}.content[${j}]`)));
    } else {
      throw invalidRequest(`Invalid type for '${at}.content': expected a string, an array or null.`, `${at}.content`, 'invalid_type');
    }
  }
  if (raw.tool_calls !== undefined && raw.tool_calls !== null) {
    if (!Array.isArray(raw.tool_calls)) throw invalidRequest(`Invalid type for '${at}.tool_calls': expected an array.`, `${at}.tool_calls`, 'invalid_type');
    raw.tool_calls.forEach((c, j) => parts.push(decodeToolCall(c, `${at}.tool_calls[${j}]`)));
  }
  return parts;
}

/** Assistant content parts are text or refusal; a refusal is kept as text so the turn is not lost. */
function decodeAssistantPart(raw: unknown, at: string): TextPart {
  if (isRecord(raw) && raw.type === 'text' && typeof raw.text === 'string') return { type: 'text', text: raw.text };
  if (isRecord(raw) && raw.type === 'refusal' && typeof raw.refusal === 'string') return { type: 'text', text: raw.refusal };
  throw invalidRequest(`Invalid assistant content part at '${at}': expected {type:'text'} or {type:'refusal'}.`, at, 'invalid_value');
}

function decodeToolCall(raw: unknown, at: string): ToolCallPart {
  if (!isRecord(raw)) throw invalidRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
  const id = str(raw.id);
  if (id === undefined) throw invalidRequest(`Missing required parameter: '${at}.id'.`, `${at}.id`, 'missing_required_parameter');
  if (raw.type !== undefined && raw.type !== 'function') {
    throw invalidRequest(`Unsupported tool call type ${JSON.stringify(raw.type)} at '${at}.type'.`, `${at}.type`, 'invalid_value');
  }
  const fn = raw.function;
  const name = isRecord(fn) ? str(fn.name) : undefined;
  if (!isRecord(fn) || name === undefined) {
    throw invalidRequest(`Missing required parameter: '${at}.function.name'.`, `${at}.function.name`, 'missing_required_parameter');
  }
  const args = fn.arguments;
  // Some clients send already-parsed objects; canonical arguments are always JSON text.
  const argsJson = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args);
  return { type: 'tool-call', callId: id, name, argsJson };
}

function decodeToolResult(raw: Record<string, unknown>, at: string): Part {
  const callId = str(raw.tool_call_id);
  if (callId === undefined) {
    throw invalidRequest(`Missing required parameter: '${at}.tool_call_id'.`, `${at}.tool_call_id`, 'missing_required_parameter');
  }
  const content = raw.content === null || raw.content === undefined ? [] : decodeContent(raw.content, `${at}.content`, true);
  return { type: 'tool-result', callId, content };
}
