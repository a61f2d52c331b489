/** `:countTokens`: the request is decoded like generateContent (see decodeGeminiRequest); this shapes the answer. */
import type { GeminiCountTokensResponse } from './wire';

/** The `:countTokens` response body for a token total. */
export function encodeCountTokensResponse(totalTokens: number, cachedContentTokenCount?: number): GeminiCountTokensResponse {
  const out: GeminiCountTokensResponse = { totalTokens };
  if (cachedContentTokenCount) out.cachedContentTokenCount = cachedContentTokenCount;
  return out;
}
