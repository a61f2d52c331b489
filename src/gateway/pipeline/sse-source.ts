/**
 * Reads an upstream SSE body chunk by chunk, parsing events as they complete, and lets the caller wait for the
 * first event before committing to this upstream (so an overload error at stream start can still fail over).
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseEvent } from '../sse/types';
import type { BodySink } from '../transport/upstream';

/** One upstream chunk with the events it completed. */
export interface SseChunk { bytes: Buffer; events: SseEvent[] }

/** Where the bytes come from: the transport's UpstreamBody, or anything read the same way. */
export interface ChunkSource {
  /** The next chunk, undefined at the end; rejects when the body broke. */
  read(): Promise<Buffer | undefined>;
  /** Stops reading and releases the upstream request. */
  destroy(err?: Error): void;
  /** Push mode (the transport's UpstreamBody has it): every further chunk handed over as it arrives. */
  listen?(sink: BodySink): void;
  /** Resumes a listened-to source its sink paused. */
  flow?(): void;
}

/** Where a piped stream's chunks go, parsed. */
export interface SseChunkSink {
  /** One chunk with the events it completed; false: pause until `resume()`. */
  chunk(c: SseChunk): boolean;
  end(): void;
  fail(err: unknown): void;
}

/** Controls a piped stream. */
export interface PipeControl {
  /** Takes chunks again after the sink returned false. */
  resume(): void;
  /** Stops reading and releases the upstream body. */
  close(): void;
}

/** An upstream SSE body that has produced at least one event (or ended). */
export interface OpenedSse {
  /** Chunks read while waiting for the first event, then the rest as they arrive (iterate once; leaving early closes). */
  chunks: AsyncIterable<SseChunk>;
  /** The same sequence as `chunks`, one call at a time (use one or the other): undefined at the end. */
  next(): Promise<SseChunk | undefined>;
  /** Stops reading and releases the upstream body (a no-op once the body ended). */
  close(): void;
  /** The first complete event (undefined when the body ended without one), to spot an error before committing. */
  first?: SseEvent;
  /**
   * Push mode, instead of `next()`/`chunks`: the chunks so far, then each as it arrives, parsed, handed to `sink`
   * without a promise per chunk. Undefined when the body cannot push (then pull).
   */
  readonly pipe: ((sink: SseChunkSink) => PipeControl) | undefined;
}

/** Starts reading `body`; resolves once the first SSE event is complete, or the body ended. */
export async function openSse(body: ChunkSource): Promise<OpenedSse> {
  const reader = new SseReader(body);
  for (;;) {
    const c = await reader.read();
    if (!c) break;
    reader.head.push(c);
    if (c.events.length) break;
  }
  for (const c of reader.head) if (c.events.length) { reader.first = c.events[0]; break; }
  return reader;
}

/*
 * Objects made per chunk come from constructors (and `splice`), not from object or array literals: V8 tenures a
 * literal's allocation site when nearly all its objects survive a collection, as a thousand streams' first chunks do
 * while they wait to be committed, and from then on allocates every later one in the old generation. Per-chunk garbage
 * then piled up there until a full collection: +2 MB/s of RSS with 1,000 open streams, flat since.
 */
class ParsedEvent implements SseEvent {
  constructor(readonly data: string, readonly event: string | undefined) {}
}

class Chunk implements SseChunk {
  constructor(readonly bytes: Buffer, readonly events: SseEvent[]) {}
}

/** One step of `chunks` (a class for the same reason). */
class Step implements IteratorYieldResult<SseChunk> {
  readonly done = false;
  constructor(readonly value: SseChunk) {}
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class SseReader implements OpenedSse {
  first: SseEvent | undefined = undefined;
  /** Chunks read before the first event (given out first). */
  head: SseChunk[] = [];
  ended = false;
  private pending: SseEvent[] = [];
  private readonly parser: EventSourceParser;
  private readonly text = new Utf8Text();

  readonly pipe: ((sink: SseChunkSink) => PipeControl) | undefined;

  constructor(private readonly body: ChunkSource) {
    this.parser = createParser({ onEvent: (e) => { this.pending.push(new ParsedEvent(e.data, e.event || undefined)); } });
    this.pipe = body.listen ? (sink) => this.pipeTo(sink) : undefined;
  }

  /** Reads and parses one chunk; undefined (and `ended`) at the end. */
  async read(): Promise<SseChunk | undefined> {
    const bytes = await this.body.read();
    return bytes === undefined ? this.last() : this.parse(bytes);
  }

  private parse(bytes: Buffer): SseChunk {
    this.parser.feed(this.text.decode(bytes));
    return new Chunk(bytes, this.take());
  }

  /** At the end: the events the last bytes completed without a blank line, if any (else `ended`). */
  private last(): SseChunk | undefined {
    this.parser.feed(this.text.end() + '\n\n');
    if (this.pending.length) return new Chunk(Buffer.alloc(0), this.take());
    this.ended = true;
    return undefined;
  }

  private pipeTo(sink: SseChunkSink): PipeControl {
    const body = this.body;
    for (const c of this.head.splice(0)) sink.chunk(c);
    if (this.ended) sink.end();
    else {
      body.listen!({
        chunk: (bytes) => sink.chunk(this.parse(bytes)),
        end: () => { const c = this.last(); if (c) { this.ended = true; sink.chunk(c); } sink.end(); },
        fail: (err) => sink.fail(err),
      });
    }
    return { resume: () => body.flow?.(), close: () => this.close() };
  }

  next(): Promise<SseChunk | undefined> {
    if (this.head.length) return Promise.resolve(this.head.shift());
    if (this.ended) return Promise.resolve(undefined);
    return this.read();
  }

  close(): void {
    if (!this.ended) this.body.destroy();
  }

  get chunks(): AsyncIterable<SseChunk> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<SseChunk, undefined>> => {
          const c = await this.next();
          return c ? new Step(c) : DONE;
        },
        // A consumer that stops early (break, return, a throw in its loop) must not leave the upstream half-read.
        return: async (): Promise<IteratorResult<SseChunk, undefined>> => { this.close(); return { done: true, value: undefined }; },
      }),
    };
  }

  private take(): SseEvent[] {
    return this.pending.length ? this.pending.splice(0) : NO_EVENTS;
  }
}

/** Shared by chunks that complete no event; never mutated. */
const NO_EVENTS: SseEvent[] = [];

/**
 * UTF-8 bytes → text across chunk boundaries, as `new TextDecoder()` with `{ stream: true }` decodes them (a leading
 * byte order mark dropped, invalid bytes replaced). A chunk of whole, valid characters, the usual case, is decoded
 * directly, which costs a fraction of TextDecoder's streaming decode; the decoder is used only when a character
 * spans chunks or the bytes are not valid UTF-8.
 */
export class Utf8Text {
  private decoder: TextDecoder | undefined;
  /** The decoder may hold the first bytes of a character. */
  private partial = false;
  private started = false;

  decode(bytes: Buffer): string {
    if (!this.partial && isUtf8(bytes) && !(!this.started && bytes[0] === 0xef)) {
      if (bytes.length) this.started = true;
      return bytes.toString('utf8');
    }
    // Only the stream's very first bytes may be a byte order mark to drop.
    this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: this.started });
    if (bytes.length) this.started = true;
    const text = this.decoder.decode(bytes, { stream: true });
    // An ASCII last byte ends any character, so the decoder holds nothing back.
    this.partial = bytes.length > 0 ? bytes[bytes.length - 1]! >= 0x80 : this.partial;
    return text;
  }

  end(): string {
    if (!this.partial || !this.decoder) return '';
    this.partial = false;
    return this.decoder.decode();
  }
}
