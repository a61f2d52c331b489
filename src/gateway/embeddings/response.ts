/** Upstream embeddings answers → the OpenAI `/v1/embeddings` body the caller gets, with usage. */
import { GatewayError } from '../core/errors';
import type { ProtocolId, Usage } from '../core/model';
import { decodeGeminiEmbeddings, toOpenAIEmbeddingsResponse } from '../protocols/gemini/embeddings';
import { countTextTokens } from '../tokens/estimate';
import { encodeFloat32Base64 } from './base64';
import type { EmbeddingsRequest } from './request';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The caller's answer: body text to send and the usage to account. */
export interface EmbeddingsAnswer { body: string; usage: Usage }

/** Converts the committed upstream text of `protocol` into the caller's answer. */
export function encodeEmbeddingsAnswer(protocol: ProtocolId, text: string, req: EmbeddingsRequest, upstreamModel: string): EmbeddingsAnswer {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch {
    throw new GatewayError('upstream', 'The embeddings upstream answered with a body that is not JSON', { code: 'bad_upstream_response' });
  }
  if (protocol !== 'gemini') {
    // OpenAI family: the body goes back as it came (it already honours encoding_format and dimensions).
    const u = isRecord(parsed) && isRecord(parsed.usage) ? parsed.usage : {};
    return { body: text, usage: { inputTokens: num(u.prompt_tokens), outputTokens: 0 } };
  }
  const vectors = decodeGeminiEmbeddings(parsed);
  const out = toOpenAIEmbeddingsResponse(vectors, upstreamModel);
  // Gemini reports no usage for embeddings: estimate it, so quotas and the usage view still see the request.
  const tokens = (req.texts ?? []).reduce((s, t) => s + countTextTokens(t), 0);
  out.usage = { prompt_tokens: tokens, total_tokens: tokens };
  if (req.encodingFormat === 'base64') {
    out.data = vectors.map((v, index) => ({ object: 'embedding', index, embedding: encodeFloat32Base64(v) }));
  }
  return { body: JSON.stringify(out), usage: { inputTokens: tokens, outputTokens: 0 } };
}
