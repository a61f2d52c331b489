/** What a round trip must preserve: visible text, tool calls (name + parsed arguments) and the finish. */
import type { StreamEvent } from '../../src/gateway/core/model';

/** The protocol-independent content of a canonical stream. */
export interface StreamSummary {
  text: string;
  tools: Array<{ name: string; args: unknown }>;
  /** The canonical finish reason, or 'error' when the stream ended with an error. */
  finish: string;
}

function parseArgs(json: string): unknown {
  try { return JSON.parse(json === '' ? '{}' : json); } catch { return { unparsable: json }; }
}

/** Summarises canonical events (live objects or their JSON form). */
export function summarize(events: ReadonlyArray<StreamEvent | { type: string; [k: string]: unknown }>): StreamSummary {
  let text = '';
  const tools = new Map<number, { name: string; args: string }>();
  let finish = 'none';
  for (const e of events as StreamEvent[]) {
    if (e.type === 'text-delta') text += e.text;
    else if (e.type === 'tool-start') tools.set(e.index, { name: e.name, args: '' });
    else if (e.type === 'tool-delta') { const t = tools.get(e.index); if (t) t.args += e.argsJson; }
    else if (e.type === 'finish') finish = e.reason;
    else if (e.type === 'error') finish = 'error';
  }
  return { text, tools: [...tools.values()].map((t) => ({ name: t.name, args: parseArgs(t.args) })), finish };
}
