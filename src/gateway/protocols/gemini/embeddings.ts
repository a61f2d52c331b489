/**
 * OpenAI-style embeddings ↔ Gemini `:embedContent` / `:batchEmbedContents`.
 * One string goes to `:embedContent`; a list goes to `:batchEmbedContents` (what the official SDK uses too).
 */
import { GatewayError, invalidRequest } from '../../core/errors';
import type { UpstreamCall } from '../types';
import { geminiModelPath, stripModelsPrefix } from './model-path';
import type { GeminiBatchEmbedContentsRequest, GeminiEmbedContentRequest } from './wire';

/** The fields of an OpenAI embeddings request the Gemini mapping uses. */
export interface EmbeddingsInput {
  input: unknown;
  dimensions?: number;
  /** Gemini `taskType` (e.g. RETRIEVAL_QUERY), when the caller knows it. */
  taskType?: string;
}

function texts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'string')) return input as string[];
  // Token-id arrays are an OpenAI-only input form: Gemini embeds text.
  throw invalidRequest('input must be a string or a non-empty array of strings', 'input');
}

function one(text: string, req: EmbeddingsInput, model?: string): GeminiEmbedContentRequest {
  const out: GeminiEmbedContentRequest = { content: { parts: [{ text }] } };
  if (model) out.model = `models/${stripModelsPrefix(model)}`;
  if (req.dimensions !== undefined) out.outputDimensionality = req.dimensions;
  if (req.taskType) out.taskType = req.taskType;
  return out;
}

/** Embeddings request → the Gemini upstream call for `model`. */
export function encodeGeminiEmbeddings(req: EmbeddingsInput, model: string): UpstreamCall {
  const list = texts(req.input);
  if (typeof req.input === 'string') {
    return { path: geminiModelPath(model, 'embedContent'), body: one(list[0]!, req), stream: false };
  }
  const body: GeminiBatchEmbedContentsRequest = {
    requests: list.map((text) => one(text, req, model) as GeminiEmbedContentRequest & { model: string }),
  };
  return { path: geminiModelPath(model, 'batchEmbedContents'), body, stream: false };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function vector(v: unknown, where: string): number[] {
  if (isRecord(v) && Array.isArray(v.values) && v.values.every((n) => typeof n === 'number')) return v.values as number[];
  throw new GatewayError('upstream', `Gemini embeddings response has no values at ${where}`);
}

/** `:embedContent` ({embedding}) or `:batchEmbedContents` ({embeddings}) response → vectors in input order. */
export function decodeGeminiEmbeddings(body: unknown): number[][] {
  if (isRecord(body) && Array.isArray(body.embeddings)) return body.embeddings.map((e, i) => vector(e, `embeddings[${i}]`));
  if (isRecord(body) && body.embedding !== undefined) return [vector(body.embedding, 'embedding')];
  throw new GatewayError('upstream', 'Gemini embeddings response is neither {embedding} nor {embeddings}');
}

/** An OpenAI `/v1/embeddings` response from Gemini vectors (usage is unknown to Gemini; reported as 0). */
export function toOpenAIEmbeddingsResponse(vectors: number[][], model: string): Record<string, unknown> {
  return {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
