/**
 * Reads an upstream SSE body chunk by chunk, parsing events as they complete, and lets the caller wait for the
 * first event before committing to this upstream (so an overload error at stream start can still fail over).
 */
import { createParser } from 'eventsource-parser';
import type { SseEvent } from '../sse/types';

/** One upstream chunk with the events it completed. */
export interface SseChunk { bytes: Buffer; events: SseEvent[] }

/** An upstream SSE body that has produced at least one event (or ended). */
export interface OpenedSse {
  /** Chunks read while waiting for the first event, then the rest as they arrive. */
  chunks: AsyncGenerator<SseChunk>;
  /** Stops reading and releases the upstream body. */
  close(): void;
  /** The first complete event (undefined when the body ended without one), to spot an error before committing. */
  first?: SseEvent;
}

/** Starts reading `body`; resolves once the first SSE event is complete, or the body ended. */
export async function openSse(body: AsyncIterable<Buffer> & { destroy?(e?: Error): void }): Promise<OpenedSse> {
  const pending: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => { pending.push(e.event ? { event: e.event, data: e.data } : { data: e.data }); },
  });
  const decoder = new TextDecoder();
  const iterator = body[Symbol.asyncIterator]();
  const readChunk = async (): Promise<SseChunk | undefined> => {
    const next = await iterator.next();
    if (next.done) {
      parser.feed(decoder.decode() + '\n\n');
      return pending.length ? { bytes: Buffer.alloc(0), events: pending.splice(0) } : undefined;
    }
    parser.feed(decoder.decode(next.value, { stream: true }));
    return { bytes: next.value, events: pending.splice(0) };
  };
  const head: SseChunk[] = [];
  let ended = false;
  for (;;) {
    const c = await readChunk();
    if (!c) { ended = true; break; }
    head.push(c);
    if (c.events.length) break;
  }
  async function* chunks(): AsyncGenerator<SseChunk> {
    try {
      yield* head;
      if (ended) return;
      for (;;) {
        const c = await readChunk();
        if (!c) return;
        yield c;
      }
    } finally {
      // Runs on normal end, error, and consumer return(): never leave an upstream socket half-read.
      void iterator.return?.();
    }
  }
  return { chunks: chunks(), first: head.find((c) => c.events.length > 0)?.events[0], close: () => { void iterator.return?.(); body.destroy?.(); } };
}
