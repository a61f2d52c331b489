/**
 * Client-specific normalisations applied to a Responses request before decoding, so the decoder sees one shape.
 * Each rule exists because a real client sends something the official API tolerates or that strict upstreams
 * reject (client-contracts §1.1, §1.3, §2 item 4).
 */
import type { ChatRequest } from '../../core/model';

/** A JSON object, narrowed from unknown. */
export type JsonObject = Record<string, unknown>;

/** Narrows unknown to a plain object. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The result of normalising `input`: message-shaped items plus tools hoisted out of `additional_tools` items. */
export interface NormalizedInput { items: JsonObject[]; hoistedTools: unknown[] }

/**
 * Normalises `input`:
 * - a string becomes one user message;
 * - items without `type` but with `role` are messages (Kilo's Responses mode, kilocode#5700);
 * - assistant history parts typed `input_text` are `output_text` (some SDKs replay assistant text as input_text);
 * - `additional_tools` items (Codex code mode, litellm codex_compat.py) are removed and their tools hoisted.
 * Non-object entries are kept as is so the decoder can report them with their index.
 */
export function normalizeInput(input: unknown): NormalizedInput {
  if (typeof input === 'string') return { items: [{ type: 'message', role: 'user', content: input }], hoistedTools: [] };
  if (!Array.isArray(input)) return { items: [], hoistedTools: [] };
  const items: JsonObject[] = [];
  const hoistedTools: unknown[] = [];
  for (const raw of input) {
    if (!isObject(raw)) { items.push({ type: '__invalid__', value: raw }); continue; }
    if (raw.type === 'additional_tools') {
      if (Array.isArray(raw.tools)) hoistedTools.push(...raw.tools);
      continue;
    }
    const item: JsonObject = raw.type === undefined && typeof raw.role === 'string' ? { ...raw, type: 'message' } : raw;
    items.push(item.type === 'message' && item.role === 'assistant' ? assistantAsOutput(item) : item);
  }
  return { items, hoistedTools };
}

function assistantAsOutput(item: JsonObject): JsonObject {
  if (!Array.isArray(item.content)) return item;
  const content = item.content.map((p: unknown) => (isObject(p) && p.type === 'input_text' ? { ...p, type: 'output_text' } : p));
  return { ...item, content };
}

/** Adds a leading system message when the request has none (for upstreams that need instructions). */
export function withDefaultInstructions(req: ChatRequest, instructions?: string): ChatRequest {
  if (instructions === undefined || instructions === '') return req;
  if (req.messages[0]?.role === 'system') return req;
  return { ...req, messages: [{ role: 'system', parts: [{ type: 'text', text: instructions }] }, ...req.messages] };
}
