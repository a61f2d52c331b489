/** Gemini `finishReason` ↔ canonical FinishReason. */
import type { FinishReason } from '../../core/model';

const CONTENT_FILTER = new Set([
  'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION', 'LANGUAGE', 'OTHER_BLOCKED',
]);
const ERRORS = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE']);
const KNOWN = new Set(['STOP', 'MAX_TOKENS', 'OTHER', 'FINISH_REASON_UNSPECIFIED', ...CONTENT_FILTER, ...ERRORS]);

/**
 * Gemini finish reason → canonical. Gemini says STOP after function calls, so the caller tells us whether
 * the candidate held any (`hadToolCalls`) to report 'tool-calls' like the other protocols do.
 */
export function decodeFinishReason(raw: string | undefined, hadToolCalls: boolean): FinishReason {
  if (raw === undefined) return hadToolCalls ? 'tool-calls' : 'other';
  if (raw === 'STOP') return hadToolCalls ? 'tool-calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content-filter';
  if (ERRORS.has(raw)) return 'error';
  return 'other';
}

/** Canonical → Gemini; a raw Gemini reason is kept when it agrees with the canonical one. */
export function encodeFinishReason(reason: FinishReason, raw?: string): string {
  if (raw !== undefined && KNOWN.has(raw) && decodeFinishReason(raw, reason === 'tool-calls') === reason) return raw;
  switch (reason) {
    case 'stop': case 'tool-calls': return 'STOP';
    case 'length': return 'MAX_TOKENS';
    case 'content-filter': return 'SAFETY';
    case 'error': return 'OTHER';
    default: return 'OTHER';
  }
}
