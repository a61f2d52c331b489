/**
 * The request inspector (opt-in, off by default): for recent requests, the inbound request, the upstream request as
 * translated, and the response or SSE stream as sent — every secret redacted, bounded in size and count, and
 * cleared when turned off.
 */
import { EventEmitter } from 'node:events';
import { redactText } from '../redact';

/** Headers and body of one captured message. */
export interface InspectedMessage { headers: Record<string, string>; body: string; truncated: boolean }

/** One inspected request. */
export interface InspectorEntry {
  id: string;
  time: number;
  protocol: string;
  model: string;
  inbound: InspectedMessage & { method: string; path: string };
  upstream?: InspectedMessage & { url: string; providerId: string };
  response?: InspectedMessage & { status: number; stream: boolean };
}

/** Captures one request; every method is cheap and safe to call in any order. */
export interface Capture {
  upstream(providerId: string, url: string, headers: Record<string, string>, body: string): void;
  response(status: number, headers: Record<string, string>, body: string, stream: boolean): void;
  /** Appends a streamed chunk to the response body (bounded). */
  chunk(text: string): void;
}

const SECRET_HEADERS = /^(authorization|x-api-key|x-goog-api-key|proxy-authorization|cookie)$/i;

/** Limits of what is kept. */
export interface InspectorLimits { maxEntries: number; maxBodyBytes: number }

/** Keeps the last `maxEntries` requests while enabled. */
export class Inspector extends EventEmitter<{ entry: [InspectorEntry]; cleared: [] }> {
  private active = false;
  private readonly list: InspectorEntry[] = [];

  constructor(private readonly secrets: () => Iterable<string>, private readonly limits: InspectorLimits = { maxEntries: 50, maxBodyBytes: 256 * 1024 }) { super(); }

  get enabled(): boolean { return this.active; }

  /** Turning it off drops everything captured. */
  setEnabled(on: boolean): void {
    this.active = on;
    if (!on) { this.list.length = 0; this.emit('cleared'); }
  }

  entries(): InspectorEntry[] { return [...this.list]; }
  get(id: string): InspectorEntry | undefined { return this.list.find((e) => e.id === id); }

  /** Starts capturing a request; undefined when the inspector is off (the hot path then does nothing). */
  begin(id: string, protocol: string, model: string, method: string, path: string, headers: Record<string, string | string[] | undefined>, body: string): Capture | undefined {
    if (!this.active) return undefined;
    const entry: InspectorEntry = { id, time: Date.now(), protocol, model, inbound: { method, path: this.scrub(path.replace(/([?&]key=)[^&]*/g, '$1[redacted]')), ...this.message(flatten(headers), body) } };
    this.list.push(entry);
    if (this.list.length > this.limits.maxEntries) this.list.shift();
    let size = 0;
    return {
      upstream: (providerId, url, h, b) => { entry.upstream = { providerId, url, ...this.message(h, b) }; },
      response: (status, h, b, stream) => { entry.response = { status, stream, ...this.message(h, b) }; if (!stream) this.emit('entry', entry); },
      chunk: (text) => {
        const r = entry.response;
        if (!r) return;
        if (size + text.length > this.limits.maxBodyBytes) { r.truncated = true; return; }
        size += text.length;
        r.body += this.scrub(text);
      },
    };
  }

  /** Announces a finished stream. */
  done(id: string): void { const e = this.get(id); if (e) this.emit('entry', e); }

  private message(headers: Record<string, string>, body: string): InspectedMessage {
    const safe: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) safe[k] = SECRET_HEADERS.test(k) ? '[redacted]' : this.scrub(v);
    const truncated = body.length > this.limits.maxBodyBytes;
    return { headers: safe, body: this.scrub(truncated ? body.slice(0, this.limits.maxBodyBytes) : body), truncated };
  }

  private scrub(text: string): string { return redactText(text, this.secrets()); }
}

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
