/** Responses status / incomplete reason ↔ canonical finish reason. */
import type { FinishReason } from '../../core/model';

/** The wire status and incomplete reason a canonical finish is rendered as. */
export interface ResponsesFinish { status: 'completed' | 'incomplete' | 'failed'; incompleteReason?: string }

/**
 * Canonical finish reason from a response's status. Responses has no "tool_calls" status: a completed response
 * whose output holds function calls finished for tool calls.
 */
export function decodeFinishReason(status: string | undefined, incompleteReason: string | undefined, hasToolCalls: boolean): { reason: FinishReason; raw?: string } {
  if (status === 'incomplete') {
    if (incompleteReason === 'max_output_tokens') return { reason: 'length', raw: incompleteReason };
    if (incompleteReason === 'content_filter') return { reason: 'content-filter', raw: incompleteReason };
    return { reason: 'other', raw: incompleteReason ?? status };
  }
  if (status === 'failed') return { reason: 'error', raw: status };
  if (status === 'cancelled') return { reason: 'other', raw: status };
  return { reason: hasToolCalls ? 'tool-calls' : 'stop', raw: status };
}

/** Wire status for a canonical finish reason. */
export function encodeFinishReason(reason: FinishReason): ResponsesFinish {
  if (reason === 'length') return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
  if (reason === 'content-filter') return { status: 'incomplete', incompleteReason: 'content_filter' };
  if (reason === 'error') return { status: 'failed' };
  return { status: 'completed' };
}
