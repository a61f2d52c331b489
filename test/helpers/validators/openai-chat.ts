/**
 * Strict grammar of an OpenAI Chat Completions stream (`stream: true`), from the API reference
 * ("The chat completion chunk object") and the streaming guide:
 * - unnamed `data:` events, each a `chat.completion.chunk` with the same `id`, then a final `data: [DONE]`;
 * - tool calls stream as `delta.tool_calls[]` fragments keyed by `index`; the first fragment of an index carries
 *   `id`, `type: "function"` and `function.name`, later ones only `function.arguments` pieces;
 * - exactly one chunk carries a non-null `finish_reason`;
 * - with `stream_options.include_usage`, one extra chunk with `choices: []` and a `usage` object precedes [DONE]
 *   (every other chunk then has `usage: null`); without it no chunk has usage. (A gateway cannot invent the usage
 *   chunk when its upstream reported none, so "asked" allows zero or one; "not asked" allows none.)
 * - a mid-stream failure is a `data: {"error": {...}}` frame, which then ends the stream (no [DONE]).
 */
import { type Obj, type SseEvent, isCount, isJsonObjectText, isObj, parseObj } from './common';

/** Options: whether the request asked for usage (undefined = do not check). */
export interface OpenAIChatValidateOptions { includeUsage?: boolean }

const FINISH = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

interface ToolState { id: string; name: string; args: string }

/** Returns every grammar violation in an OpenAI Chat stream (empty = valid). */
export function validateOpenAIChatStream(events: SseEvent[], opts: OpenAIChatValidateOptions = {}): string[] {
  const v: string[] = [];
  let id: string | undefined;
  let finishAt = -1;
  let finishReason: string | undefined;
  let usageChunks = 0;
  let doneAt = -1;
  let errorAt = -1;
  const tools = new Map<number, ToolState>();

  const checkToolFragment = (at: string, frag: unknown): void => {
    if (!isObj(frag)) { v.push(`${at}: tool_calls entry is not an object`); return; }
    if (!isCount(frag.index)) { v.push(`${at}: tool_calls entry has no integer index`); return; }
    const fn = frag.function;
    if (fn !== undefined && !isObj(fn)) { v.push(`${at}: function is not an object`); return; }
    const args = isObj(fn) ? fn.arguments : undefined;
    if (args !== undefined && typeof args !== 'string') v.push(`${at}: function.arguments is not a string`);
    const known = tools.get(frag.index);
    if (!known) {
      if (frag.index !== tools.size) v.push(`${at}: tool_calls index ${frag.index} is not the next index ${tools.size}`);
      if (typeof frag.id !== 'string' || !frag.id) v.push(`${at}: first fragment of tool call ${frag.index} lacks id`);
      if (frag.type !== 'function') v.push(`${at}: first fragment of tool call ${frag.index} lacks type "function"`);
      if (!isObj(fn) || typeof fn.name !== 'string' || !fn.name) v.push(`${at}: first fragment of tool call ${frag.index} lacks function.name`);
      tools.set(frag.index, { id: String(frag.id ?? ''), name: String(isObj(fn) ? fn.name ?? '' : ''), args: typeof args === 'string' ? args : '' });
      return;
    }
    if (frag.id !== undefined && frag.id !== known.id) v.push(`${at}: tool call ${frag.index} changed its id`);
    if (isObj(fn) && fn.name !== undefined && fn.name !== known.name && fn.name !== '') v.push(`${at}: tool call ${frag.index} changed its name`);
    if (typeof args === 'string') known.args += args;
  };

  const checkChoice = (at: string, c: unknown, chunkIndex: number): void => {
    if (!isObj(c)) { v.push(`${at}: choice is not an object`); return; }
    if (!isCount(c.index)) v.push(`${at}: choice.index missing`);
    if (!isObj(c.delta)) { v.push(`${at}: choice.delta missing`); return; }
    const d = c.delta;
    if (d.role !== undefined && d.role !== null && d.role !== 'assistant') v.push(`${at}: delta.role is ${String(d.role)}`);
    for (const k of ['content', 'reasoning_content', 'refusal'] as const) {
      if (d[k] !== undefined && d[k] !== null && typeof d[k] !== 'string') v.push(`${at}: delta.${k} is not a string`);
    }
    const hasContent = (typeof d.content === 'string' && d.content !== '') || (typeof d.reasoning_content === 'string' && d.reasoning_content !== '')
      || (Array.isArray(d.tool_calls) && d.tool_calls.length > 0);
    if (finishAt >= 0 && hasContent) v.push(`${at}: content after the finish_reason chunk`);
    if (d.tool_calls !== undefined && d.tool_calls !== null) {
      if (!Array.isArray(d.tool_calls)) v.push(`${at}: delta.tool_calls is not an array`);
      else d.tool_calls.forEach((f, j) => checkToolFragment(`${at}.tool_calls[${j}]`, f));
    }
    if (c.finish_reason === undefined) v.push(`${at}: finish_reason missing (must be null or a reason)`);
    else if (c.finish_reason !== null) {
      if (typeof c.finish_reason !== 'string' || !FINISH.has(c.finish_reason)) v.push(`${at}: unknown finish_reason ${String(c.finish_reason)}`);
      if (finishAt >= 0) v.push(`${at}: second finish_reason chunk (first at event ${finishAt})`);
      finishAt = chunkIndex;
      finishReason = String(c.finish_reason);
    }
  };

  const checkUsage = (at: string, u: Obj): void => {
    for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) if (!isCount(u[k])) v.push(`${at}: usage.${k} is not a count`);
  };

  events.forEach((e, i) => {
    const at = `event ${i}`;
    if (doneAt >= 0) { v.push(`${at}: event after [DONE]`); return; }
    if (errorAt >= 0) { v.push(`${at}: event after the error frame`); return; }
    if (e.event !== undefined && e.event !== 'message') v.push(`${at}: OpenAI chunks are unnamed, got event "${e.event}"`);
    if (e.data === '[DONE]') { doneAt = i; return; }
    const chunk = parseObj(e.data);
    if (!chunk) { v.push(`${at}: data is not a JSON object`); return; }
    if (isObj(chunk.error)) {
      errorAt = i;
      if (typeof chunk.error.message !== 'string') v.push(`${at}: error.message missing`);
      if (typeof chunk.error.type !== 'string') v.push(`${at}: error.type missing`);
      return;
    }
    if (chunk.object !== 'chat.completion.chunk') v.push(`${at}: object is ${String(chunk.object)}, not chat.completion.chunk`);
    if (typeof chunk.id !== 'string' || !chunk.id) v.push(`${at}: id missing`);
    else if (id === undefined) id = chunk.id;
    else if (chunk.id !== id) v.push(`${at}: id ${chunk.id} differs from ${id}`);
    if (!isCount(chunk.created)) v.push(`${at}: created missing`);
    if (typeof chunk.model !== 'string') v.push(`${at}: model missing`);
    if (!Array.isArray(chunk.choices)) { v.push(`${at}: choices is not an array`); return; }
    if (chunk.choices.length === 0) {
      usageChunks++;
      if (opts.includeUsage === false) v.push(`${at}: usage chunk (choices: []) although usage was not requested`);
      if (!isObj(chunk.usage)) v.push(`${at}: chunk with choices [] has no usage`);
      else checkUsage(at, chunk.usage);
      if (finishAt < 0) v.push(`${at}: usage chunk before the finish_reason chunk`);
      return;
    }
    if (usageChunks > 0) v.push(`${at}: choice chunk after the usage chunk`);
    if (chunk.usage !== undefined && chunk.usage !== null) {
      if (!isObj(chunk.usage)) v.push(`${at}: usage is not an object`);
      else if (opts.includeUsage === true) v.push(`${at}: usage on a choice chunk (expected it in a trailing choices [] chunk)`);
      else checkUsage(at, chunk.usage);
      if (opts.includeUsage === false) v.push(`${at}: usage present although not requested`);
    }
    chunk.choices.forEach((c, j) => checkChoice(`${at}.choices[${j}]`, c, i));
  });

  if (events.length === 0) v.push('empty stream');
  if (errorAt < 0) {
    if (doneAt < 0) v.push('stream does not end with [DONE]');
    if (finishAt < 0) v.push('no chunk carries a finish_reason');
  }
  if (usageChunks > 1) v.push(`${usageChunks} usage chunks`);
  if (finishReason !== undefined && finishReason !== 'length') {
    for (const [index, t] of tools) if (!isJsonObjectText(t.args)) v.push(`tool call ${index} arguments are not a JSON object: ${t.args}`);
  }
  if (finishReason === 'tool_calls' && tools.size === 0) v.push('finish_reason tool_calls without any tool call');
  return v;
}
