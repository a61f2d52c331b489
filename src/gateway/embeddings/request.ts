/** Validation of an OpenAI `/v1/embeddings` request, and per-provider upstream requests for it. */
import { GatewayError, invalidRequest } from '../core/errors';
import { encodeGeminiEmbeddings } from '../protocols/gemini/embeddings';
import type { ProviderRuntime } from '../providers/runtime';
import { isOpenAIFamily, type DirectRequest } from '../pipeline/direct-call';

type Json = Record<string, unknown>;

/** The fields the gateway reads; the body itself goes upstream as-is on OpenAI-family providers. */
export interface EmbeddingsRequest {
  model: string;
  input: unknown;
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
  /** The input as texts when it is text (undefined for token ids), for Gemini and token estimates. */
  texts?: string[];
}

const isTokens = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'number' && Number.isInteger(n));

/** Checks the body and reads its fields; throws 400 naming the field at fault. */
export function parseEmbeddingsRequest(body: Json): EmbeddingsRequest {
  if (typeof body.model !== 'string' || !body.model) throw invalidRequest('you must provide a model parameter', 'model');
  const input = body.input;
  let texts: string[] | undefined;
  if (typeof input === 'string') texts = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((s) => typeof s === 'string')) texts = input as string[];
  else if (!isTokens(input) && !(Array.isArray(input) && input.length > 0 && input.every(isTokens))) {
    throw invalidRequest("'input' must be a string, a non-empty array of strings, an array of token ids, or an array of token-id arrays", 'input');
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw invalidRequest("'encoding_format' must be 'float' or 'base64'", 'encoding_format');
  const dims = body.dimensions;
  if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1)) {
    throw invalidRequest("'dimensions' must be a positive integer", 'dimensions');
  }
  return { model: body.model, input, encodingFormat: format, dimensions: dims, texts };
}

/** The upstream request for `provider`, or undefined when it has no embeddings endpoint. */
export function buildEmbeddingsCall(provider: ProviderRuntime, upstreamModel: string, req: EmbeddingsRequest, body: Json): DirectRequest | undefined {
  if (isOpenAIFamily(provider)) return { protocol: 'openai-chat', path: '/embeddings', body: { ...body, model: upstreamModel }, stream: false };
  if (provider.spec.type === 'gemini') {
    if (!req.texts) throw invalidRequest('Token-id input is only supported by OpenAI and OpenAI-compatible embeddings upstreams; send text', 'input', 'unsupported_parameter');
    const call = encodeGeminiEmbeddings({ input: req.input, dimensions: req.dimensions }, upstreamModel);
    return { protocol: 'gemini', path: call.path, body: call.body, stream: false };
  }
  return undefined;
}

/** The 400 for a model none of whose providers can embed. */
export function embeddingsNotSupported(model: string): GatewayError {
  return invalidRequest(`The model '${model}' is served by a provider without an embeddings API (only OpenAI, OpenAI-compatible and Gemini providers can embed)`, 'model', 'embeddings_not_supported');
}
