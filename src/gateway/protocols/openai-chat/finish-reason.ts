/** OpenAI `finish_reason` ↔ canonical FinishReason. */
import type { FinishReason } from '../../core/model';

/** Finish reasons OpenAI clients understand; anything else is replaced on encode. */
const OPENAI_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/** Upstream `finish_reason` → canonical. Unknown or missing values become 'other'. */
export function decodeFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop': return 'stop';
    case 'length': return 'length';
    case 'tool_calls':
    case 'function_call': return 'tool-calls';
    case 'content_filter': return 'content-filter';
    default: return 'other';
  }
}

/** Canonical finish → OpenAI `finish_reason`, keeping the raw word when it is already an OpenAI one. */
export function encodeFinishReason(reason: FinishReason, raw?: string): string {
  if (raw !== undefined && OPENAI_REASONS.has(raw) && decodeFinishReason(raw) === reason) return raw;
  switch (reason) {
    case 'length': return 'length';
    case 'tool-calls': return 'tool_calls';
    case 'content-filter': return 'content_filter';
    default: return 'stop'; // 'error' and 'other' have no OpenAI word; clients treat unknown values badly
  }
}
