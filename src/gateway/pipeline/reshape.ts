/**
 * When the upstream's answer does not have the shape the caller asked for: a streamed answer for a caller that
 * wants one JSON response (aggregated from the stream), or a whole JSON answer for a caller that wants a stream
 * (replayed as stream events).
 */
import { aggregateStream, responseToEvents } from '../core/aggregate';
import { GatewayError } from '../core/errors';
import type { StreamEvent } from '../core/model';
import { pipeSteps } from '../core/stream';
import { protocols } from '../protocols';
import { encodeSse } from '../sse/encode';
import type { Committed } from './attempt';
import type { ChatOutcome, Routed } from './chat';
import type { CallerRequest, PreparedCall } from './prepare';

/** Reads the whole upstream stream and answers with one response in the caller's protocol. */
export async function aggregatedOutcome(caller: CallerRequest, call: PreparedCall, c: Extract<Committed, { kind: 'sse' }>, routed: Routed): Promise<ChatOutcome> {
  let decode = protocols[call.upstreamProtocol].decodeStream();
  for (const q of call.streamQuirks) { const s = q.stream?.(caller.canonical); if (s) decode = pipeSteps(decode, s); }
  const events: StreamEvent[] = [];
  for await (const chunk of c.sse.chunks) for (const e of chunk.events) events.push(...decode.step(e));
  events.push(...decode.finish());
  const response = aggregateStream(events);
  for (const q of call.streamQuirks) q.response?.(response);
  const body = protocols[caller.protocol].encodeResponse(response, caller.canonical);
  return { kind: 'json', status: 200, body: JSON.stringify(body), contentType: 'application/json', routed, usage: response.usage };
}

/** Replays a whole upstream answer as a stream in the caller's protocol. */
export function replayedOutcome(caller: CallerRequest, call: PreparedCall, c: Extract<Committed, { kind: 'json' }>, routed: Routed): ChatOutcome {
  let parsed: unknown;
  try { parsed = JSON.parse(c.text); } catch {
    throw new GatewayError('upstream', `${routed.providerId} answered with a body that is not JSON`, { provider: routed.providerId, code: 'bad_upstream_response' });
  }
  const response = protocols[call.upstreamProtocol].decodeResponse(parsed);
  for (const q of call.streamQuirks) q.response?.(response);
  const encode = protocols[caller.protocol].encodeStream(caller.canonical);
  let text = '';
  for (const ev of responseToEvents(response)) for (const f of encode.step(ev)) text += encodeSse(f);
  for (const f of encode.finish()) text += encodeSse(f);
  async function* frames(): AsyncGenerator<string> { yield text; }
  return { kind: 'sse', routed, frames: frames(), usage: () => response.usage, failed: () => undefined };
}
