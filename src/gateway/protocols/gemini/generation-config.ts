/** `generationConfig` ↔ the canonical sampling, output-format and reasoning fields. */
import type { ChatRequest, ReasoningConfig, ReasoningEffort, ResponseFormat } from '../../core/model';
import type { GeminiGenerationConfig, GeminiThinkingConfig } from './wire';

/** Thinking budgets per effort, within every 2.5 model's range (Flash caps at 24,576, Pro at 32,768). */
export const THINKING_BUDGET: Readonly<Record<ReasoningEffort, number>> = {
  none: 0, minimal: 512, low: 2048, medium: 8192, high: 24576, xhigh: 24576,
};

const HANDLED = new Set([
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'candidateCount', 'stopSequences', 'presencePenalty',
  'frequencyPenalty', 'seed', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'thinkingConfig',
]);

/** The canonical fields a generationConfig yields, plus the keys it does not understand (kept for re-encoding). */
export interface DecodedGenerationConfig {
  fields: Partial<ChatRequest>;
  /** Unknown generationConfig keys (responseModalities, speechConfig, …). */
  rest: Record<string, unknown>;
  /** Gemini-only hints the encoder re-applies (thinkingLevel, responseJsonSchema). */
  hints: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Wire generationConfig → canonical fields. */
export function decodeGenerationConfig(gc: GeminiGenerationConfig | undefined): DecodedGenerationConfig {
  const fields: Partial<ChatRequest> = {};
  const rest: Record<string, unknown> = {};
  const hints: Record<string, unknown> = {};
  if (!gc) return { fields, rest, hints };
  for (const [k, v] of Object.entries(gc)) if (!HANDLED.has(k)) rest[k] = v;
  fields.temperature = num(gc.temperature);
  fields.topP = num(gc.topP);
  fields.topK = num(gc.topK);
  fields.maxTokens = num(gc.maxOutputTokens);
  fields.presencePenalty = num(gc.presencePenalty);
  fields.frequencyPenalty = num(gc.frequencyPenalty);
  fields.seed = num(gc.seed);
  fields.n = num(gc.candidateCount);
  if (Array.isArray(gc.stopSequences)) fields.stop = gc.stopSequences.filter((s): s is string => typeof s === 'string');
  const schema = isRecord(gc.responseJsonSchema) ? gc.responseJsonSchema : isRecord(gc.responseSchema) ? gc.responseSchema : undefined;
  if (isRecord(gc.responseJsonSchema)) hints.responseJsonSchema = true;
  const format: ResponseFormat | undefined = schema
    ? { type: 'json-schema', schema }
    : gc.responseMimeType === 'application/json' ? { type: 'json' } : undefined;
  fields.responseFormat = format;
  if (gc.responseMimeType && gc.responseMimeType !== 'application/json' && gc.responseMimeType !== 'text/plain') {
    rest.responseMimeType = gc.responseMimeType;
  }
  if (gc.thinkingConfig) {
    fields.reasoning = decodeThinking(gc.thinkingConfig);
    if (typeof gc.thinkingConfig.thinkingLevel === 'string') hints.thinkingLevel = gc.thinkingConfig.thinkingLevel;
  }
  for (const key of Object.keys(fields) as Array<keyof ChatRequest>) if (fields[key] === undefined) delete fields[key];
  return { fields, rest, hints };
}

function decodeThinking(tc: GeminiThinkingConfig): ReasoningConfig {
  const out: ReasoningConfig = {};
  if (typeof tc.thinkingBudget === 'number') {
    if (tc.thinkingBudget === 0) out.enabled = false;
    else {
      out.enabled = true;
      // -1 asks Gemini to pick the budget dynamically: there is no number to carry.
      if (tc.thinkingBudget > 0) out.budgetTokens = tc.thinkingBudget;
    }
  }
  const level = typeof tc.thinkingLevel === 'string' ? tc.thinkingLevel.toLowerCase() : undefined;
  if (level === 'minimal' || level === 'low' || level === 'medium' || level === 'high') {
    out.effort = level;
    out.enabled ??= true;
  }
  if (tc.includeThoughts === true) out.summary = 'auto';
  return out;
}

/** Gemini 3 takes `thinkingLevel`; it still accepts a budget, but a level is the documented control. */
function isGemini3(model: string): boolean {
  return /(^|\/)gemini-3/.test(model);
}

/** Canonical reasoning → thinkingConfig for `model`; undefined when the request says nothing about reasoning. */
export function encodeThinking(reasoning: ReasoningConfig | undefined, model: string, levelHint?: unknown): GeminiThinkingConfig | undefined {
  if (!reasoning) return undefined;
  const gemini3 = isGemini3(model);
  if (reasoning.enabled === false || reasoning.effort === 'none') {
    // Gemini 3 cannot turn thinking off; the lowest level is the closest honest answer.
    return gemini3 ? { thinkingLevel: 'low' } : { thinkingBudget: 0 };
  }
  if (reasoning.budgetTokens !== undefined) return { thinkingBudget: reasoning.budgetTokens, includeThoughts: true };
  if (gemini3) {
    const level = typeof levelHint === 'string' ? levelHint
      : reasoning.effort === undefined ? undefined
      : reasoning.effort === 'minimal' || reasoning.effort === 'low' ? 'low' : 'high';
    return level ? { thinkingLevel: level, includeThoughts: true } : { includeThoughts: true };
  }
  if (reasoning.effort) return { thinkingBudget: THINKING_BUDGET[reasoning.effort], includeThoughts: true };
  return { includeThoughts: true };
}

/** Canonical request → generationConfig (undefined when empty). `rest` are the keys kept from a Gemini inbound. */
export function encodeGenerationConfig(req: ChatRequest, model: string): GeminiGenerationConfig | undefined {
  const hints = req.extra?.gemini ?? {};
  const rest = isRecord(hints.generationConfig) ? hints.generationConfig : {};
  const gc: GeminiGenerationConfig = { ...rest };
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined) gc.topK = req.topK;
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  if (req.n !== undefined && req.n > 1) gc.candidateCount = req.n;
  if (req.stop?.length) gc.stopSequences = req.stop;
  if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  if (req.seed !== undefined) gc.seed = req.seed;
  const format = req.responseFormat;
  if (format?.type === 'json') gc.responseMimeType = 'application/json';
  if (format?.type === 'json-schema') {
    gc.responseMimeType = 'application/json';
    // `responseSchema` is the OpenAPI subset (the strip quirk makes it fit); a Gemini caller that sent the
    // full-JSON-Schema field gets it back unchanged.
    if (hints.responseJsonSchema === true) gc.responseJsonSchema = format.schema;
    else gc.responseSchema = format.schema;
  }
  const thinking = encodeThinking(req.reasoning, model, hints.thinkingLevel);
  if (thinking) gc.thinkingConfig = thinking;
  return Object.keys(gc).length ? gc : undefined;
}
