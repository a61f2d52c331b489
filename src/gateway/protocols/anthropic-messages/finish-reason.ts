/** Anthropic `stop_reason` ↔ canonical FinishReason. */
import type { FinishReason } from '../../core/model';

const DECODE: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
  pause_turn: 'other',
};

const ENCODE: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

/** Anthropic stop_reason → canonical reason (unknown or missing → 'other'). */
export function decodeStopReason(raw: string | null | undefined): FinishReason {
  return (raw && DECODE[raw]) || 'other';
}

/** Canonical reason → Anthropic stop_reason; an upstream's own Anthropic value is kept when it agrees. */
export function encodeStopReason(reason: FinishReason, raw?: string): string {
  if (raw && DECODE[raw] === reason) return raw;
  return ENCODE[reason];
}
