/**
 * Canonical stream events → the Responses SSE sequence the official SDK and Codex parse: response.created,
 * response.in_progress, per output item added → part/deltas → done, and exactly one terminal event
 * (response.completed / response.incomplete / response.failed). `sequence_number` counts from 0; the `event:` name
 * always equals `data.type`; `output_index` counts output items.
 */
import type { ChatRequest, ReasoningPart, StreamEvent, Usage } from '../../core/model';
import { GatewayError } from '../../core/errors';
import type { StreamStep } from '../../core/stream';
import type { SseFrame } from '../../sse/types';
import { generateId } from '../../core/ids';
import { encodeFinishReason } from './finish-reason';
import { failedErrorFor } from './errors';
import { customInputOf, isCustomCall } from './input-encode';
import { encodeUsage, messageItem, reasoningItem, responseIdFor, responseObject, toolCallItem } from './response';
import type { OpenAIResponsesOutputItem, OpenAIResponsesStatus } from './wire';

interface OpenItem {
  kind: 'text' | 'reasoning' | 'tool';
  id: string;
  outputIndex: number;
  text: string;
  summaryOpen: boolean;
  signature?: string;
  redactedData?: string;
  callId?: string;
  name?: string;
}

/** Creates the encoder step for one response to a Responses client. */
export function encodeOpenAIResponsesStream(req: ChatRequest): StreamStep<StreamEvent, SseFrame> {
  let seq = 0;
  let started = false;
  let done = false;
  let id = generateId('resp_');
  let model = req.model;
  let createdAt = Math.floor(Date.now() / 1000);
  let usage: Partial<Usage> | undefined;
  const output: OpenAIResponsesOutputItem[] = [];
  const open = new Map<number, OpenItem>();
  let nextOutputIndex = 0;

  const emit = (out: SseFrame[], type: string, fields: Record<string, unknown>): void => {
    out.push({ event: type, data: JSON.stringify({ type, sequence_number: seq++, ...fields }) });
  };

  const snapshot = (status: OpenAIResponsesStatus, extra: { incompleteReason?: string; error?: { code: string; message: string } } = {}) =>
    responseObject(req, { id, model, createdAt, status, output: status === 'in_progress' ? [] : output.filter((o) => o !== undefined), usage: status === 'in_progress' ? undefined : encodeUsage(usage), ...extra });

  const ensureStarted = (out: SseFrame[]): void => {
    if (started) return;
    started = true;
    emit(out, 'response.created', { response: snapshot('in_progress') });
    emit(out, 'response.in_progress', { response: snapshot('in_progress') });
  };

  const itemFields = (item: OpenItem) => ({ item_id: item.id, output_index: item.outputIndex });

  const begin = (index: number, kind: OpenItem['kind'], prefix: string): OpenItem => {
    const item: OpenItem = { kind, id: generateId(prefix), outputIndex: nextOutputIndex++, text: '', summaryOpen: false };
    open.set(index, item);
    return item;
  };

  const finishItem = (out: SseFrame[], item: OpenItem, full: OpenAIResponsesOutputItem): void => {
    emit(out, 'response.output_item.done', { output_index: item.outputIndex, item: full });
    output[item.outputIndex] = full;
  };

  const endText = (out: SseFrame[], item: OpenItem): void => {
    const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
    emit(out, 'response.output_text.done', { ...itemFields(item), content_index: 0, text: item.text, logprobs: [] });
    emit(out, 'response.content_part.done', { ...itemFields(item), content_index: 0, part });
    finishItem(out, item, messageItem(item.id, [{ type: 'text', text: item.text }]));
  };

  const endReasoning = (out: SseFrame[], item: OpenItem): void => {
    if (item.summaryOpen) {
      emit(out, 'response.reasoning_summary_text.done', { ...itemFields(item), summary_index: 0, text: item.text });
      emit(out, 'response.reasoning_summary_part.done', { ...itemFields(item), summary_index: 0, part: { type: 'summary_text', text: item.text } });
    }
    const part: ReasoningPart = { type: 'reasoning', text: item.text };
    if (item.signature !== undefined) part.signature = item.signature;
    if (item.redactedData !== undefined) part.redactedData = item.redactedData;
    finishItem(out, item, reasoningItem(item.id, part));
  };

  const endTool = (out: SseFrame[], item: OpenItem): void => {
    const call = { type: 'tool-call' as const, callId: item.callId ?? '', name: item.name ?? '', argsJson: item.text };
    const full = toolCallItem(item.id, call, req);
    if (full.type === 'custom_tool_call') {
      const input = customInputOf(item.text);
      if (input !== '') emit(out, 'response.custom_tool_call_input.delta', { ...itemFields(item), delta: input });
      emit(out, 'response.custom_tool_call_input.done', { ...itemFields(item), input });
    } else {
      emit(out, 'response.function_call_arguments.done', { ...itemFields(item), name: full.name, arguments: item.text });
    }
    finishItem(out, item, full);
  };

  const end = (out: SseFrame[], index: number): void => {
    const item = open.get(index);
    if (!item) return;
    open.delete(index);
    if (item.kind === 'text') endText(out, item);
    else if (item.kind === 'reasoning') endReasoning(out, item);
    else endTool(out, item);
  };

  const terminate = (out: SseFrame[], status: 'completed' | 'incomplete' | 'failed', extra: { incompleteReason?: string; error?: { code: string; message: string } } = {}): void => {
    ensureStarted(out);
    done = true;
    const type = status === 'completed' ? 'response.completed' : status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    emit(out, type, { response: snapshot(status, extra) });
  };

  const handle = (ev: StreamEvent, out: SseFrame[]): void => {
    switch (ev.type) {
      case 'start':
        if (!started) { id = responseIdFor(ev.id); if (ev.model) model = ev.model; if (ev.created !== undefined) createdAt = ev.created; }
        if (ev.usage) usage = { ...usage, ...ev.usage };
        ensureStarted(out);
        return;
      case 'text-start': {
        ensureStarted(out);
        const item = begin(ev.index, 'text', 'msg_');
        emit(out, 'response.output_item.added', { output_index: item.outputIndex, item: { ...messageItem(item.id, [], 'in_progress') } });
        emit(out, 'response.content_part.added', { ...itemFields(item), content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
        return;
      }
      case 'text-delta': {
        const item = open.get(ev.index);
        if (item?.kind !== 'text' || ev.text === '') return;
        item.text += ev.text;
        emit(out, 'response.output_text.delta', { ...itemFields(item), content_index: 0, delta: ev.text, logprobs: [] });
        return;
      }
      case 'reasoning-start': {
        ensureStarted(out);
        const item = begin(ev.index, 'reasoning', 'rs_');
        if (ev.redactedData !== undefined) item.redactedData = ev.redactedData;
        emit(out, 'response.output_item.added', { output_index: item.outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
        return;
      }
      case 'reasoning-delta': {
        const item = open.get(ev.index);
        if (item?.kind !== 'reasoning' || ev.text === '') return;
        if (!item.summaryOpen) {
          item.summaryOpen = true;
          emit(out, 'response.reasoning_summary_part.added', { ...itemFields(item), summary_index: 0, part: { type: 'summary_text', text: '' } });
        }
        item.text += ev.text;
        emit(out, 'response.reasoning_summary_text.delta', { ...itemFields(item), summary_index: 0, delta: ev.text });
        return;
      }
      case 'reasoning-signature': {
        const item = open.get(ev.index);
        if (item?.kind === 'reasoning') item.signature = (item.signature ?? '') + ev.signature;
        return;
      }
      case 'tool-start': {
        ensureStarted(out);
        const item = begin(ev.index, 'tool', 'fc_');
        item.callId = ev.callId;
        item.name = ev.name;
        const full = toolCallItem(item.id, { type: 'tool-call', callId: ev.callId, name: ev.name, argsJson: '' }, req, 'in_progress');
        const added = full.type === 'custom_tool_call' ? { ...full, input: '' } : { ...full, arguments: '' };
        emit(out, 'response.output_item.added', { output_index: item.outputIndex, item: added });
        return;
      }
      case 'tool-delta': {
        const item = open.get(ev.index);
        if (item?.kind !== 'tool' || ev.argsJson === '') return;
        item.text += ev.argsJson;
        // Custom tool input is only known once the JSON wrapper is complete; it is sent whole at the end.
        const custom = isCustomCall({ type: 'tool-call', callId: item.callId ?? '', name: item.name ?? '', argsJson: '' }, req.tools);
        if (!custom) emit(out, 'response.function_call_arguments.delta', { ...itemFields(item), delta: ev.argsJson });
        return;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-end':
        end(out, ev.index);
        return;
      case 'usage':
        usage = { ...usage, ...ev.usage };
        return;
      case 'finish': {
        for (const index of [...open.keys()]) end(out, index);
        if (ev.usage) usage = { ...usage, ...ev.usage };
        const fin = encodeFinishReason(ev.reason);
        if (fin.status === 'failed') terminate(out, 'failed', { error: { code: 'server_error', message: `The upstream model stopped with an error${ev.raw ? ` (${ev.raw})` : ''}.` } });
        else terminate(out, fin.status, fin.incompleteReason !== undefined ? { incompleteReason: fin.incompleteReason } : {});
        return;
      }
      case 'error':
        terminate(out, 'failed', { error: failedErrorFor(ev.error) });
        return;
    }
  };

  return {
    step(ev) {
      if (done) return [];
      const out: SseFrame[] = [];
      handle(ev, out);
      return out;
    },
    finish() {
      if (done) return [];
      const out: SseFrame[] = [];
      terminate(out, 'failed', { error: failedErrorFor(new GatewayError('upstream', 'The upstream stream ended unexpectedly.')) });
      return out;
    },
  };
}
