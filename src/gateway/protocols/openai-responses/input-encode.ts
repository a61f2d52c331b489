/** Canonical messages → Responses `instructions` + `input` items, for an OpenAI Responses upstream. */
import type { FilePart, ImagePart, Message, Part, ReasoningPart, ToolCallPart, ToolDefinition, ToolResultPart } from '../../core/model';
import { generateId } from '../../core/ids';
import { describeSource, filenameFor, unsupportedFile } from '../files';
import { isObject, type JsonObject } from './normalize';
import { openAIBlobOf } from './reasoning-carry';
import { NS, wireToolName } from './tools';
import type { OpenAIResponsesContentPart, OpenAIResponsesInputItem, OpenAIResponsesToolOutput } from './wire';

/** Encoded conversation. */
export interface EncodedInput { instructions?: string; input: OpenAIResponsesInputItem[] }

/** An image part as `input_image`. */
export function encodeImage(p: ImagePart): OpenAIResponsesContentPart {
  const url = p.source.kind === 'base64' ? `data:${p.source.mediaType};base64,${p.source.data}` : p.source.url;
  return p.detail !== undefined ? { type: 'input_image', image_url: url, detail: p.detail } : { type: 'input_image', image_url: url };
}

/**
 * A file part as `input_file` (a plain-text document as `input_text`). A file id from another vendor's store is
 * refused with a 400 naming the part (`where`).
 */
export function encodeFile(p: FilePart, where: () => string): OpenAIResponsesContentPart {
  const src = p.source;
  let file: OpenAIResponsesContentPart & { type: 'input_file' };
  switch (src.kind) {
    case 'text': return { type: 'input_text', text: src.text };
    // OpenAI asks for a file name with inline data.
    case 'base64': file = { type: 'input_file', file_data: `data:${src.mediaType};base64,${src.data}`, filename: filenameFor(p) }; break;
    case 'url': file = { type: 'input_file', file_url: src.url }; break;
    case 'file-id':
      if (src.store !== 'openai') {
        throw unsupportedFile(where(), 'an OpenAI Responses upstream', `${describeSource(src)} can be read only through its own vendor's API; send the file inline instead`);
      }
      file = { type: 'input_file', file_id: src.fileId };
      break;
  }
  if (p.filename !== undefined) file.filename = p.filename;
  const extra = p.extra?.[NS];
  return extra ? { ...extra, ...file } : file;
}

function textOf(parts: Array<{ type: string; text?: string }>): string {
  return parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('\n\n');
}

/** Where part `p` of message `index` sits, for errors (worked out only when a part is refused). */
const partParam = (index: number, m: Message, p: Part): string => `messages[${index}].parts[${m.parts.indexOf(p)}]`;

function userContent(m: Message, index: number): OpenAIResponsesContentPart[] {
  const out: OpenAIResponsesContentPart[] = [];
  for (const p of m.parts) {
    if (p.type === 'text') out.push({ type: 'input_text', text: p.text });
    else if (p.type === 'image') out.push(encodeImage(p));
    else if (p.type === 'file') out.push(encodeFile(p, () => partParam(index, m, p)));
  }
  const kept = m.extra?.[NS]?.kept_parts;
  if (Array.isArray(kept)) for (const k of kept) if (isObject(k)) out.push(k as OpenAIResponsesContentPart);
  return out;
}

const isPlainText = (c: ToolResultPart['content'][number]): boolean => c.type === 'text' || (c.type === 'file' && c.source.kind === 'text');

/**
 * Tool output: a plain string when it is only text (plain-text documents included), else input parts. `index` and
 * `message` (the tool message holding `p`) name a refused file in the error.
 */
export function encodeToolOutput(p: ToolResultPart, index = -1, message?: Message): OpenAIResponsesToolOutput {
  if (p.content.every(isPlainText)) return p.content.map((c) => (c.type === 'text' ? c.text : c.type === 'file' && c.source.kind === 'text' ? c.source.text : '')).join('\n');
  return p.content.map((c, k) => (c.type === 'text' ? { type: 'input_text' as const, text: c.text }
    : c.type === 'image' ? encodeImage(c)
      : encodeFile(c, () => `${message ? partParam(index, message, p) : 'tool output'}.content[${k}]`)));
}

/** The reasoning item for an OpenAI upstream; only parts holding an OpenAI blob can be replayed (store is false). */
function reasoningItem(p: ReasoningPart): OpenAIResponsesInputItem | undefined {
  const blob = openAIBlobOf(p);
  if (blob === undefined) return undefined;
  const extra = p.extra?.[NS];
  const summary = Array.isArray(extra?.summary) ? extra.summary : p.text ? [{ type: 'summary_text', text: p.text }] : [];
  return { type: 'reasoning', id: typeof extra?.id === 'string' ? extra.id : generateId('rs_'), summary, encrypted_content: blob };
}

/** Whether a call went to a freeform tool (by the part's own mark or the tool's declared kind). */
export function isCustomCall(p: ToolCallPart, tools: ToolDefinition[] | undefined): boolean {
  return p.extra?.[NS]?.custom === true || wireToolName(tools, p.name).custom;
}

/** The raw string input of a custom tool call whose canonical arguments are `{"input": "…"}`. */
export function customInputOf(argsJson: string): string {
  try {
    const parsed: unknown = JSON.parse(argsJson);
    if (isObject(parsed) && typeof parsed.input === 'string') return parsed.input;
  } catch { /* not JSON: the model wrote raw text */ }
  return argsJson;
}

function toolCallItem(p: ToolCallPart, tools: ToolDefinition[] | undefined): OpenAIResponsesInputItem {
  const extra = p.extra?.[NS];
  const wire = wireToolName(tools, p.name);
  const namespace = typeof extra?.namespace === 'string' ? extra.namespace : wire.namespace;
  const name = typeof extra?.name === 'string' ? extra.name : wire.name;
  const base: JsonObject = { call_id: p.callId, name };
  if (namespace !== undefined) base.namespace = namespace;
  if (typeof extra?.id === 'string') base.id = extra.id;
  return isCustomCall(p, tools)
    ? { type: 'custom_tool_call', ...base, input: customInputOf(p.argsJson) }
    : { type: 'function_call', ...base, arguments: p.argsJson };
}

function assistantItems(m: Message, tools: ToolDefinition[] | undefined): OpenAIResponsesInputItem[] {
  const out: OpenAIResponsesInputItem[] = [];
  let text: OpenAIResponsesContentPart[] = [];
  const flush = (): void => {
    if (text.length === 0) return;
    out.push({ type: 'message', role: 'assistant', content: text });
    text = [];
  };
  for (const p of m.parts) {
    if (p.type === 'text') {
      text.push(p.extra?.[NS]?.refusal === true ? { type: 'refusal', refusal: p.text } : { type: 'output_text', text: p.text, annotations: [] });
    } else if (p.type === 'reasoning') {
      flush();
      const item = reasoningItem(p);
      if (item) out.push(item);
    } else if (p.type === 'tool-call') {
      flush();
      out.push(toolCallItem(p, tools));
    }
  }
  flush();
  return out;
}

function messageItems(m: Message, tools: ToolDefinition[] | undefined, index: number): OpenAIResponsesInputItem[] {
  switch (m.role) {
    case 'system':
      return [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: textOf(m.parts) }] }];
    case 'user':
      return [{ type: 'message', role: 'user', content: userContent(m, index) }];
    case 'assistant':
      return assistantItems(m, tools);
    case 'tool':
      return m.parts.filter((p): p is ToolResultPart => p.type === 'tool-result').map((p) => ({
        type: p.extra?.[NS]?.custom === true ? 'custom_tool_call_output' as const : 'function_call_output' as const,
        call_id: p.callId,
        output: encodeToolOutput(p, index, m),
      }));
  }
}

/**
 * Encodes the conversation. The first message, when it is a system message, becomes `instructions` (the simplest
 * form every Responses server accepts); later system messages are `developer` input messages, where they were.
 */
export function encodeInput(messages: Message[], tools: ToolDefinition[] | undefined, leadingItems: unknown[] = []): EncodedInput {
  const result: EncodedInput = { input: leadingItems.filter(isObject) };
  messages.forEach((m, i) => {
    if (i === 0 && m.role === 'system') result.instructions = textOf(m.parts);
    else result.input.push(...messageItems(m, tools, i));
    const after = m.extra?.[NS]?.items_after;
    if (Array.isArray(after)) result.input.push(...after.filter(isObject));
  });
  return result;
}
