/** Bytes → SSE events, with eventsource-parser (handles CRLF, split lines and multi-line data). */
import { createParser } from 'eventsource-parser';
import type { SseEvent } from './types';

/** Decodes an async byte stream into SSE events, as they complete. */
export async function* decodeSse(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => { pending.push(e.event ? { event: e.event, data: e.data, id: e.id } : { data: e.data, id: e.id }); },
  });
  const decoder = new TextDecoder();
  for await (const chunk of source) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length) yield pending.shift()!;
  }
  parser.feed(decoder.decode() + '\n\n');
  while (pending.length) yield pending.shift()!;
}

/** Synchronous variant for whole texts (tests, recorded fixtures). */
export function decodeSseText(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  const parser = createParser({ onEvent: (e) => { out.push(e.event ? { event: e.event, data: e.data } : { data: e.data }); } });
  parser.feed(text);
  parser.feed('\n\n');
  return out;
}
