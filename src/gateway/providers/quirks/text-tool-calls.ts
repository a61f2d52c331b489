/**
 * Turns tool-call markup that models without native tool support write into their text —
 * `<tool_use>{"name":…,"arguments":…}</tool_use>` or `<function_call>…</function_call>`, with a JSON body or
 * `<name>`/`<arguments>` children — into real canonical tool-call events. Text that may be the start of a tag is
 * held back until it is known not to be one, so clients never see half a tag. Block indices are renumbered
 * because the new tool blocks need indices of their own, and a text block is ended before each tool block so
 * encoders that need one open block at a time (Anthropic) stay valid.
 */
import type { FinishReason, StreamEvent } from '../../core/model';
import type { StreamStep } from '../../core/stream';
import { generateId } from '../../core/ids';

/** Options for the text tool-call step. */
export interface TextToolCallOptions {
  /** When given, only calls to these tools are converted; others stay text. */
  toolNames?: readonly string[];
  /** Generates call ids (tests pass a deterministic one). */
  newCallId?: () => string;
}

const TAGS = [
  { open: '<tool_use>', close: '</tool_use>' },
  { open: '<function_call>', close: '</function_call>' },
] as const;

/** A parsed call. */
export interface TextToolCall { name: string; argsJson: string }

function isRecord(v: unknown): v is Record<string, unknown> { return typeof v === 'object' && v !== null && !Array.isArray(v); }

function callFromObject(o: unknown): TextToolCall | undefined {
  if (!isRecord(o)) return undefined;
  const fn = isRecord(o.function) ? o.function : o;
  const name = typeof fn.name === 'string' ? fn.name : typeof fn.tool === 'string' ? fn.tool : undefined;
  if (!name) return undefined;
  const args = fn.arguments ?? fn.input ?? fn.parameters ?? fn.args ?? {};
  if (typeof args === 'string') {
    try { JSON.parse(args); return { name, argsJson: args }; } catch { return { name, argsJson: JSON.stringify({ input: args }) }; }
  }
  return { name, argsJson: JSON.stringify(args) };
}

/** Parses the body of one tag into zero or more calls; undefined when it is not recognisable. */
export function parseToolCallBody(body: string): TextToolCall[] | undefined {
  const text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const calls = list.map(callFromObject);
    return calls.every((c): c is TextToolCall => c !== undefined) && calls.length > 0 ? calls : undefined;
  } catch { /* not JSON: try the XML-ish child form */ }
  const name = /<name>\s*([\s\S]*?)\s*<\/name>/.exec(text)?.[1];
  if (!name) return undefined;
  const argsText = /<(arguments|input|parameters)>([\s\S]*?)<\/\1>/.exec(text)?.[2]?.trim() ?? '{}';
  try { JSON.parse(argsText); return [{ name, argsJson: argsText }]; } catch { return undefined; }
}

/** Length of the longest suffix of `s` that is a proper prefix of some opening tag. */
function partialTagSuffix(s: string): number {
  let best = 0;
  for (const { open } of TAGS) {
    for (let n = Math.min(open.length - 1, s.length); n > best; n--) {
      if (s.endsWith(open.slice(0, n))) { best = n; break; }
    }
  }
  return best;
}

/** Creates the step. Apply it to the canonical stream of an upstream whose model writes tool calls as text. */
export function textToolCalls(options: TextToolCallOptions = {}): StreamStep<StreamEvent, StreamEvent> {
  const newCallId = options.newCallId ?? (() => generateId('call_'));
  const allowed = options.toolNames ? new Set(options.toolNames) : undefined;
  let next = 0;
  const remap = new Map<number, number>();
  let sawCall = false;
  // State of the upstream text block being scanned.
  let textIn: number | undefined;
  let textOut: number | undefined;
  let afterCall = false;
  let pending = '';
  let inside: (typeof TAGS)[number] | undefined;

  const mapped = (index: number): number => {
    let m = remap.get(index);
    if (m === undefined) { m = next++; remap.set(index, m); }
    return m;
  };

  const emitText = (text: string, out: StreamEvent[]): void => {
    const t = afterCall && textOut === undefined ? text.replace(/^\s+/, '') : text;
    if (t === '') return;
    if (textOut === undefined) { textOut = next++; out.push({ type: 'text-start', index: textOut }); }
    out.push({ type: 'text-delta', index: textOut, text: t });
  };

  const endText = (out: StreamEvent[]): void => {
    if (textOut !== undefined) out.push({ type: 'text-end', index: textOut });
    textOut = undefined;
  };

  const emitCalls = (calls: TextToolCall[], out: StreamEvent[]): void => {
    endText(out);
    for (const c of calls) {
      const index = next++;
      out.push({ type: 'tool-start', index, callId: newCallId(), name: c.name });
      out.push({ type: 'tool-delta', index, argsJson: c.argsJson });
      out.push({ type: 'tool-end', index });
    }
    sawCall = true;
    afterCall = true;
  };

  const scan = (out: StreamEvent[]): void => {
    for (let guard = 0; guard < 10_000; guard++) {
      if (inside) {
        const end = pending.indexOf(inside.close);
        if (end < 0) return;
        const body = pending.slice(0, end);
        const calls = parseToolCallBody(body);
        const ok = calls !== undefined && (!allowed || calls.every((c) => allowed.has(c.name)));
        if (ok) emitCalls(calls, out); else emitText(inside.open + body + inside.close, out);
        pending = pending.slice(end + inside.close.length);
        inside = undefined;
        continue;
      }
      const hits = TAGS.map((t) => ({ t, at: pending.indexOf(t.open) })).filter((h) => h.at >= 0).sort((a, b) => a.at - b.at);
      const hit = hits[0];
      if (hit) {
        emitText(pending.slice(0, hit.at), out);
        pending = pending.slice(hit.at + hit.t.open.length);
        inside = hit.t;
        continue;
      }
      const keep = partialTagSuffix(pending);
      emitText(pending.slice(0, pending.length - keep), out);
      pending = pending.slice(pending.length - keep);
      return;
    }
  };

  const flushText = (out: StreamEvent[]): void => {
    const rest = (inside ? inside.open : '') + pending;
    pending = '';
    inside = undefined;
    emitText(rest, out);
    endText(out);
    textIn = undefined;
    afterCall = false;
  };

  return {
    step(ev) {
      const out: StreamEvent[] = [];
      switch (ev.type) {
        case 'text-start':
          if (textIn !== undefined) flushText(out);
          textIn = ev.index;
          return out;
        case 'text-delta':
          if (ev.index !== textIn) return [{ ...ev, index: mapped(ev.index) }];
          pending += ev.text;
          scan(out);
          return out;
        case 'text-end':
          if (ev.index !== textIn) return [{ ...ev, index: mapped(ev.index) }];
          flushText(out);
          return out;
        case 'finish': {
          if (textIn !== undefined) flushText(out);
          const reason: FinishReason = sawCall && ev.reason === 'stop' ? 'tool-calls' : ev.reason;
          out.push({ ...ev, reason });
          return out;
        }
        case 'reasoning-start': case 'reasoning-delta': case 'reasoning-signature': case 'reasoning-end':
        case 'tool-start': case 'tool-delta': case 'tool-end':
          return [...out, { ...ev, index: mapped(ev.index) }];
        default:
          return [ev];
      }
    },
    finish() {
      const out: StreamEvent[] = [];
      if (textIn !== undefined) flushText(out);
      return out;
    },
  };
}
