/** Canonical messages → OpenAI Chat `messages`. */
import type { FilePart, ImagePart, ImageSource, Message, Part, TextPart, ToolCallPart, ToolResultPart } from '../../core/model';
import { describeSource, filenameFor, unsupportedFile } from '../files';
import type { OpenAIChatContentPart, OpenAIChatMessage, OpenAIChatToolCall } from './wire';

/** Options of message encoding. */
export interface EncodeMessagesOptions {
  /**
   * Put reasoning parts of assistant turns back as `reasoning_content` (DeepSeek requires it on tool-call turns).
   * The official OpenAI API rejects unknown message fields, so its provider quirk strips the field.
   */
  reasoningContent: boolean;
}

/** Joins text parts the way every OpenAI-compatible upstream accepts: one string (Groq rejects arrays for system). */
function joinText(parts: Part[]): string {
  return parts.filter((p): p is TextPart => p.type === 'text').map((p) => p.text).join('\n\n');
}

/** Image source → the `url` OpenAI takes (a data URL for inline bytes). */
export function encodeImageUrl(source: ImageSource): string {
  return source.kind === 'base64' ? `data:${source.mediaType};base64,${source.data}` : source.url;
}

function encodeImage(p: ImagePart): OpenAIChatContentPart {
  const image_url: { url: string; detail?: string } = { url: encodeImageUrl(p.source) };
  if (p.detail !== undefined) image_url.detail = p.detail;
  return { type: 'image_url', image_url };
}

const TARGET = 'an OpenAI Chat upstream';

/**
 * Where a part sits, for errors: message `index` of `message`, and the content index inside a tool result.
 * Kept as plain values and joined only when a part is refused: a closure per message made encoding ~3x slower.
 */
interface At { index: number; message: Message; owner: Part; content: number }

const param = (at: At): string =>
  `messages[${at.index}].parts[${at.message.parts.indexOf(at.owner)}]${at.content < 0 ? '' : `.content[${at.content}]`}`;

/**
 * A file part as a Chat `file` part (a plain-text document as a text part). Chat takes files inline or by OpenAI
 * file_id only: a URL, or another vendor's file id, is refused with a 400 naming the part.
 */
function encodeFile(p: FilePart, at: At): OpenAIChatContentPart {
  const src = p.source;
  let file: { file_data?: string; file_id?: string; filename?: string };
  switch (src.kind) {
    case 'text': return { type: 'text', text: src.text };
    case 'base64':
      // OpenAI asks for a file name with inline data.
      file = { file_data: `data:${src.mediaType};base64,${src.data}`, filename: filenameFor(p) };
      break;
    case 'file-id':
      if (src.store !== 'openai') throw unsupportedFile(param(at), TARGET, `${describeSource(src)} can be read only through its own vendor's API; send the file inline instead`);
      file = p.filename === undefined ? { file_id: src.fileId } : { file_id: src.fileId, filename: p.filename };
      break;
    case 'url':
      throw unsupportedFile(param(at), TARGET, `Chat Completions takes files inline (file_data) or by OpenAI file_id, not ${describeSource(src)}`);
  }
  const extra = p.extra?.['openai-chat'];
  return extra ? { ...extra, type: 'file', file } : { type: 'file', file };
}

/** User content: a plain string when it is a single text, else an array of text, image and file parts. */
function encodeUserContent(m: Message, index: number, parts: Part[]): string | OpenAIChatContentPart[] {
  const usable = parts.filter((p): p is TextPart | ImagePart | FilePart => p.type === 'text' || p.type === 'image' || p.type === 'file');
  if (usable.length === 1 && usable[0]!.type === 'text') return usable[0]!.text;
  if (usable.length === 0) return '';
  return usable.map((p) => (p.type === 'text' ? { type: 'text' as const, text: p.text } : p.type === 'image' ? encodeImage(p)
    : encodeFile(p, { index, message: m, owner: p, content: -1 })));
}

/** The text of a tool result: its text parts and plain-text documents, joined as `joinText` joins. */
function resultText(content: ToolResultPart['content']): string {
  let out: string | undefined;
  for (const c of content) {
    const t = c.type === 'text' ? c.text : c.type === 'file' && c.source.kind === 'text' ? c.source.text : undefined;
    if (t !== undefined) out = out === undefined ? t : `${out}\n\n${t}`;
  }
  return out ?? '';
}

function encodeToolCall(p: ToolCallPart): OpenAIChatToolCall {
  // Upstreams reject an empty string where a JSON object is expected.
  return { id: p.callId, type: 'function', function: { name: p.name, arguments: p.argsJson === '' ? '{}' : p.argsJson } };
}

function encodeAssistant(parts: Part[], opts: EncodeMessagesOptions): OpenAIChatMessage {
  const toolCalls = parts.filter((p): p is ToolCallPart => p.type === 'tool-call').map(encodeToolCall);
  const text = joinText(parts);
  const msg: OpenAIChatMessage = { role: 'assistant', content: text === '' && toolCalls.length ? null : text };
  if (toolCalls.length) msg.tool_calls = toolCalls;
  if (opts.reasoningContent) {
    const reasoning = parts.map((p) => (p.type === 'reasoning' ? p.text : '')).join('');
    if (reasoning !== '') msg.reasoning_content = reasoning;
  }
  return msg;
}

function encodeOne(m: Message, index: number, parts: Part[], opts: EncodeMessagesOptions): OpenAIChatMessage {
  let msg: OpenAIChatMessage;
  if (m.role === 'system') msg = { role: 'system', content: joinText(parts) };
  else if (m.role === 'assistant') msg = encodeAssistant(parts, opts);
  else msg = { role: 'user', content: encodeUserContent(m, index, parts) };
  const extra = m.extra?.['openai-chat'];
  if (extra) {
    for (const [k, v] of Object.entries(extra)) {
      // The only role override is developer-for-system; anything else would corrupt the turn.
      if (k === 'role' && !(m.role === 'system' && v === 'developer')) continue;
      msg[k] = v;
    }
  }
  return msg;
}

/**
 * Encodes messages in order. Tool results become `tool` messages; OpenAI tool messages carry text only, so
 * images and files from a run of tool results follow in one user message placed after the whole run (an
 * assistant tool-call turn must be followed directly by all of its tool messages).
 */
export function encodeMessages(messages: Message[], opts: EncodeMessagesOptions): OpenAIChatMessage[] {
  const out: OpenAIChatMessage[] = [];
  let pendingMedia: OpenAIChatContentPart[] = [];
  const flushMedia = (): void => {
    if (pendingMedia.length) out.push({ role: 'user', content: pendingMedia });
    pendingMedia = [];
  };
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const results = m.parts.filter((p): p is ToolResultPart => p.type === 'tool-result');
    const rest = m.parts.filter((p) => p.type !== 'tool-result');
    if (!results.length) flushMedia();
    for (const r of results) {
      out.push({ role: 'tool', tool_call_id: r.callId, content: resultText(r.content) });
      for (let k = 0; k < r.content.length; k++) {
        const c = r.content[k]!;
        if (c.type === 'image') pendingMedia.push(encodeImage(c));
        else if (c.type === 'file' && c.source.kind !== 'text') pendingMedia.push(encodeFile(c, { index: i, message: m, owner: r, content: k }));
      }
    }
    if (results.length && rest.length) flushMedia();
    if (rest.length || !results.length) out.push(encodeOne(m, i, rest, opts));
  }
  flushMedia();
  return out;
}
