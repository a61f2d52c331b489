/**
 * Per-provider upstream timeouts and the errors they raise.
 *
 * Defaults, chosen for LLM traffic:
 *  - connect 10 s: a TCP + TLS handshake that takes longer means the host is down or unreachable, so fail over.
 *  - first byte 300 s when streaming: reasoning models may think for minutes before their first event on some
 *    upstreams; 600 s otherwise, because a non-streaming answer arrives only once the whole generation is done
 *    (the official OpenAI and Anthropic SDKs also wait 10 minutes).
 *  - idle 300 s: the longest silence allowed between two chunks of a started stream; models that reason
 *    silently mid-stream can pause for minutes.
 * A provider's `timeouts` config overrides each value.
 */
import type { TimeoutConfig } from '../config';
import { GatewayError } from '../core/errors';

/** Timeouts with every value filled in, in ms. */
export interface ResolvedTimeouts { connectMs: number; firstByteMs: number; idleMs: number }

/** The phase of an upstream call a timeout guards. */
export type TimeoutPhase = 'connect' | 'first-byte' | 'idle';

/** Default connect timeout, ms. */
export const DEFAULT_CONNECT_MS = 10_000;
/** Default time to the first byte of a streaming response, ms. */
export const DEFAULT_FIRST_BYTE_STREAM_MS = 300_000;
/** Default time to the first byte of a non-streaming response (the whole generation), ms. */
export const DEFAULT_FIRST_BYTE_MS = 600_000;
/** Default longest silence within a stream, ms. */
export const DEFAULT_IDLE_MS = 300_000;

/** A provider's timeouts with defaults filled in; non-positive or non-finite values fall back to the default. */
export function resolveTimeouts(config: TimeoutConfig | undefined, opts: { stream: boolean }): ResolvedTimeouts {
  const pick = (v: number | undefined, fallback: number): number =>
    v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
  return {
    connectMs: pick(config?.connectMs, DEFAULT_CONNECT_MS),
    firstByteMs: pick(config?.firstByteMs, opts.stream ? DEFAULT_FIRST_BYTE_STREAM_MS : DEFAULT_FIRST_BYTE_MS),
    idleMs: pick(config?.idleMs, DEFAULT_IDLE_MS),
  };
}

/** `12s`, `1.5s`, `250ms`: short and exact enough for an error message. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}

const CODE: Record<TimeoutPhase, string> = {
  connect: 'connect_timeout', 'first-byte': 'first_byte_timeout', idle: 'idle_timeout',
};

/**
 * The `timeout` error for a phase, e.g. "no first byte from anthropic within 300s". Connect and first-byte
 * timeouts are retryable (nothing reached the client yet); an idle timeout happens mid-stream, where the
 * response is committed, so it is not.
 */
export function timeoutError(phase: TimeoutPhase, providerId: string, ms: number): GatewayError {
  const d = formatDuration(ms);
  const message = phase === 'connect' ? `could not connect to ${providerId} within ${d}`
    : phase === 'first-byte' ? `no first byte from ${providerId} within ${d}`
    : `${providerId} sent nothing for ${d} mid-stream (idle timeout)`;
  return new GatewayError('timeout', message, { code: CODE[phase], provider: providerId, retryable: phase !== 'idle' });
}
