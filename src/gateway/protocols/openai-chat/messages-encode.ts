/** Canonical messages → OpenAI Chat `messages`. */
import type { ImagePart, ImageSource, Message, Part, TextPart, ToolCallPart, ToolResultPart } from '../../core/model';
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

/** User content: a plain string when it is a single text, else an array of text and image parts. */
function encodeUserContent(parts: Part[]): string | OpenAIChatContentPart[] {
  const usable = parts.filter((p): p is TextPart | ImagePart => p.type === 'text' || p.type === 'image');
  if (usable.length === 1 && usable[0]!.type === 'text') return usable[0]!.text;
  if (usable.length === 0) return '';
  return usable.map((p) => (p.type === 'text' ? { type: 'text' as const, text: p.text } : encodeImage(p)));
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

function encodeOne(m: Message, parts: Part[], opts: EncodeMessagesOptions): OpenAIChatMessage {
  let msg: OpenAIChatMessage;
  if (m.role === 'system') msg = { role: 'system', content: joinText(parts) };
  else if (m.role === 'assistant') msg = encodeAssistant(parts, opts);
  else msg = { role: 'user', content: encodeUserContent(parts) };
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
 * images from a run of tool results follow in one user message placed after the whole run (an assistant
 * tool-call turn must be followed directly by all of its tool messages).
 */
export function encodeMessages(messages: Message[], opts: EncodeMessagesOptions): OpenAIChatMessage[] {
  const out: OpenAIChatMessage[] = [];
  let pendingImages: ImagePart[] = [];
  const flushImages = (): void => {
    if (pendingImages.length) out.push({ role: 'user', content: pendingImages.map(encodeImage) });
    pendingImages = [];
  };
  for (const m of messages) {
    const results = m.parts.filter((p): p is ToolResultPart => p.type === 'tool-result');
    const rest = m.parts.filter((p) => p.type !== 'tool-result');
    if (!results.length) flushImages();
    for (const r of results) {
      out.push({ role: 'tool', tool_call_id: r.callId, content: joinText(r.content) });
      pendingImages.push(...r.content.filter((p): p is ImagePart => p.type === 'image'));
    }
    if (results.length && rest.length) flushImages();
    if (rest.length || !results.length) out.push(encodeOne(m, rest, opts));
  }
  flushImages();
  return out;
}
