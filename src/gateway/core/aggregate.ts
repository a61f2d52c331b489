/**
 * Converting between whole responses and streams in canonical form: a caller that asked for no stream gets one
 * response even from an upstream that only streams, and a streaming caller gets a stream from one that cannot.
 */
import { GatewayError } from './errors';
import type { ChatResponse, ReasoningPart, StreamEvent, TextPart, ToolCallPart } from './model';

type Block = TextPart | ReasoningPart | ToolCallPart;

/** Folds a complete canonical event stream into one response; an `error` event throws it. */
export function aggregateStream(events: Iterable<StreamEvent>): ChatResponse {
  const res: ChatResponse = { id: '', model: '', content: [], finish: { reason: 'other' } };
  const blocks = new Map<number, Block>();
  for (const ev of events) {
    switch (ev.type) {
      case 'start': res.id = ev.id; res.model = ev.model; if (ev.created) res.created = ev.created; if (ev.usage) res.usage = { inputTokens: 0, outputTokens: 0, ...ev.usage }; break;
      case 'text-start': open(res, blocks, ev.index, { type: 'text', text: '' }); break;
      case 'reasoning-start': open(res, blocks, ev.index, { type: 'reasoning', text: '', ...(ev.redactedData ? { redactedData: ev.redactedData } : {}) }); break;
      case 'tool-start': open(res, blocks, ev.index, { type: 'tool-call', callId: ev.callId, name: ev.name, argsJson: '' }); break;
      case 'text-delta': case 'reasoning-delta': { const b = blocks.get(ev.index); if (b && b.type !== 'tool-call') b.text += ev.text; break; }
      case 'reasoning-signature': { const b = blocks.get(ev.index); if (b?.type === 'reasoning') b.signature = (b.signature ?? '') + ev.signature; break; }
      case 'tool-delta': { const b = blocks.get(ev.index); if (b?.type === 'tool-call') b.argsJson += ev.argsJson; break; }
      case 'usage': res.usage = { inputTokens: 0, outputTokens: 0, ...res.usage, ...ev.usage }; break;
      case 'finish': res.finish = { reason: ev.reason, raw: ev.raw }; if (ev.usage) res.usage = ev.usage; break;
      case 'error': throw ev.error;
      default: break;
    }
  }
  if (!res.id) throw new GatewayError('upstream', 'The upstream stream ended before it started', { code: 'incomplete_stream' });
  return res;
}

function open(res: ChatResponse, blocks: Map<number, Block>, index: number, block: Block): void {
  blocks.set(index, block);
  res.content.push(block);
}

/** Replays a whole response as the canonical events a stream of it would have produced. */
export function responseToEvents(res: ChatResponse): StreamEvent[] {
  const out: StreamEvent[] = [{ type: 'start', id: res.id, model: res.model, created: res.created }];
  res.content.forEach((part, index) => {
    if (part.type === 'text') {
      out.push({ type: 'text-start', index }, { type: 'text-delta', index, text: part.text }, { type: 'text-end', index });
    } else if (part.type === 'reasoning') {
      out.push({ type: 'reasoning-start', index, ...(part.redactedData ? { redactedData: part.redactedData } : {}) });
      if (part.text) out.push({ type: 'reasoning-delta', index, text: part.text });
      if (part.signature) out.push({ type: 'reasoning-signature', index, signature: part.signature });
      out.push({ type: 'reasoning-end', index });
    } else {
      out.push({ type: 'tool-start', index, callId: part.callId, name: part.name }, { type: 'tool-delta', index, argsJson: part.argsJson }, { type: 'tool-end', index });
    }
  });
  out.push({ type: 'finish', reason: res.finish.reason, raw: res.finish.raw, usage: res.usage });
  return out;
}
