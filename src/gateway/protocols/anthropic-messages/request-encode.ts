/** Canonical ChatRequest → Anthropic Messages upstream call. */
import type { ChatRequest, Message, ResponseFormat } from '../../core/model';
import type { UpstreamCall } from '../types';
import { NS } from './content-decode';
import { encodeParts, ownExtra } from './content-encode';
import { SERVER_TOOLS_KEY } from './request';
import { encodeThinking } from './thinking';
import { ANTHROPIC_VERSION, isRecord, type AnthropicMessageParam, type AnthropicOtherBlock } from './wire';

/** `max_tokens` is required by Anthropic; used when the caller (e.g. an OpenAI client) gave none. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Extra keys handled explicitly (not re-applied verbatim as top-level fields). */
const HANDLED_EXTRA = new Set(['thinking', 'metadata', SERVER_TOOLS_KEY]);

function formatInstruction(f: ResponseFormat | undefined): string | undefined {
  // Anthropic's structured outputs (output_config.format) are model-dependent; an instruction works everywhere.
  if (f?.type === 'json') return 'Respond with a single valid JSON object and nothing else.';
  if (f?.type === 'json-schema') {
    return `Respond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(f.schema)}`;
  }
  return undefined;
}

/** All system messages, wherever they sit, hoisted into `system` (Anthropic has no system role in messages). */
function encodeSystem(req: ChatRequest): string | AnthropicOtherBlock[] | undefined {
  // Only text reaches `system` (images and files there are dropped, so never refused).
  const blocks = encodeParts(req.messages.filter((m) => m.role === 'system').flatMap((m) => m.parts).filter((p) => p.type === 'text'))
    .filter((b) => b.type === 'text');
  const own = req.extra?.[NS];
  const instruction = isRecord(own?.output_config) && isRecord(own.output_config.format) ? undefined : formatInstruction(req.responseFormat);
  if (instruction) blocks.push({ type: 'text', text: instruction });
  if (!blocks.length) return undefined;
  const only = blocks[0]!;
  const plain = blocks.length === 1 && Object.keys(only).every((k) => k === 'type' || k === 'text');
  return plain ? String(only.text) : blocks;
}

/** Messages → alternating user/assistant turns with tool results first in their user turn. */
function encodeMessages(messages: Message[]): AnthropicMessageParam[] {
  const out: Array<{ role: 'user' | 'assistant'; content: AnthropicOtherBlock[] }> = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'system') continue;
    const content = encodeParts(m.parts, `messages[${i}].parts`);
    if (!content.length) continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const last = out[out.length - 1];
    // Anthropic requires alternating roles: consecutive same-role turns (e.g. tool results + user text) merge.
    if (last?.role === role) last.content.push(...content);
    else out.push({ role, content });
  }
  for (const m of out) {
    if (m.role !== 'user') continue;
    // tool_result blocks must come first in their user turn, right after the assistant's tool_use turn.
    const results = m.content.filter((b) => b.type === 'tool_result');
    if (results.length) m.content = [...results, ...m.content.filter((b) => b.type !== 'tool_result')];
  }
  return out;
}

function encodeTools(req: ChatRequest): Array<Record<string, unknown>> | undefined {
  const tools = (req.tools ?? []).map((t) => {
    const schema = { ...t.parameters };
    if (schema.type === undefined) schema.type = 'object';
    const tool: Record<string, unknown> = { name: t.name };
    if (t.description) tool.description = t.description;
    tool.input_schema = schema;
    return { ...tool, ...ownExtra(t.extra) };
  });
  const server = req.extra?.[NS]?.[SERVER_TOOLS_KEY];
  if (Array.isArray(server)) tools.push(...server.filter(isRecord));
  return tools.length ? tools : undefined;
}

function encodeToolChoice(req: ChatRequest): Record<string, unknown> | undefined {
  const tc = req.toolChoice;
  let out: Record<string, unknown> | undefined;
  if (tc?.type === 'auto') out = { type: 'auto' };
  else if (tc?.type === 'required') out = { type: 'any' };
  else if (tc?.type === 'none') out = { type: 'none' };
  else if (tc?.type === 'tool') out = { type: 'tool', name: tc.name };
  if (req.parallelToolCalls === false && tc?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

/** Builds the `/messages` call. See the inline notes for each Anthropic constraint it enforces. */
export function encodeRequest(req: ChatRequest, model: string): UpstreamCall {
  const messages = encodeMessages(req.messages);
  const requested = req.maxTokens ?? DEFAULT_MAX_TOKENS;
  const toolChoice = req.tools?.length || req.extra?.[NS]?.[SERVER_TOOLS_KEY] ? encodeToolChoice(req) : undefined;
  // Anthropic rejects thinking when tool_choice forces a tool; the forced tool is the caller's harder requirement.
  const forced = toolChoice?.type === 'any' || toolChoice?.type === 'tool';
  const { thinking, maxTokens } = forced ? { thinking: undefined, maxTokens: requested } : encodeThinking(req, requested);
  const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';

  const body: Record<string, unknown> = { model, messages, max_tokens: maxTokens };
  const system = encodeSystem(req);
  if (system !== undefined) body.system = system;
  // With thinking on, Anthropic rejects temperature and top_k, and top_p below 0.95.
  if (req.temperature !== undefined && !thinkingOn) body.temperature = req.temperature;
  // Newer Claude models reject temperature and top_p together; temperature is the more common knob.
  if (req.topP !== undefined && body.temperature === undefined && (!thinkingOn || req.topP >= 0.95)) body.top_p = req.topP;
  if (req.topK !== undefined && !thinkingOn) body.top_k = req.topK;
  if (req.stop?.length) body.stop_sequences = req.stop;
  if (req.stream) body.stream = true;
  const tools = encodeTools(req);
  if (tools) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;
  if (thinking) body.thinking = thinking;

  const own = req.extra?.[NS] ?? {};
  const metadata = { ...(isRecord(own.metadata) ? own.metadata : {}), ...(req.user ? { user_id: req.user } : {}) };
  if (Object.keys(metadata).length) body.metadata = metadata;
  for (const [k, v] of Object.entries(own)) if (!HANDLED_EXTRA.has(k) && body[k] === undefined) body[k] = v;

  return { path: '/messages', body, stream: req.stream, headers: { 'anthropic-version': ANTHROPIC_VERSION } };
}
