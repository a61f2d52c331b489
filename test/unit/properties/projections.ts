/** The compared fields of a canonical request, each projected to a protocol-neutral value. */
import type { ChatRequest, Part } from '../../../src/gateway/core/model';

const parts = (req: ChatRequest, pred: (role: string) => boolean): Part[] =>
  req.messages.filter((m) => pred(m.role)).flatMap((m) => m.parts);

const textOf = (ps: Part[]): string[] => ps.flatMap((p) => (p.type === 'text' ? [p.text] : []));

function parseArgs(json: string): unknown {
  try { return JSON.parse(json); } catch { return { unparsable: json }; }
}

/** Field name → projection. `undefined` means "the original request does not set it" (not compared). */
export const FIELDS: Record<string, (r: ChatRequest) => unknown> = {
  system: (r) => textOf(parts(r, (role) => role === 'system')).join('\n'),
  'user text': (r) => textOf(parts(r, (role) => role === 'user')),
  'user images': (r) => parts(r, (role) => role === 'user').flatMap((p) => (p.type === 'image' && p.source.kind === 'base64' ? [`${p.source.mediaType};${p.source.data}`] : [])),
  'user files': (r) => parts(r, (role) => role === 'user').flatMap((p) => (p.type === 'file' && p.source.kind === 'base64' ? [`${p.source.mediaType};${p.source.data}`] : [])),
  'user file names': (r) => {
    const names = parts(r, (role) => role === 'user').flatMap((p) => (p.type === 'file' ? [p.filename ?? null] : []));
    return names.length ? names : undefined;
  },
  'assistant text': (r) => textOf(parts(r, (role) => role === 'assistant')),
  'tool call name+args': (r) => parts(r, (role) => role === 'assistant').flatMap((p) => (p.type === 'tool-call' ? [{ name: p.name, args: parseArgs(p.argsJson) }] : [])),
  'tool call ids': (r) => parts(r, (role) => role === 'assistant').flatMap((p) => (p.type === 'tool-call' ? [p.callId] : [])),
  'tool results': (r) => parts(r, () => true).flatMap((p) => (p.type === 'tool-result' ? [textOf(p.content).join('')] : [])),
  'tool result ids match calls': (r) => {
    const calls = parts(r, () => true).flatMap((p) => (p.type === 'tool-call' ? [p.callId] : []));
    return parts(r, () => true).flatMap((p) => (p.type === 'tool-result' ? [calls.indexOf(p.callId)] : []));
  },
  temperature: (r) => r.temperature,
  'max tokens': (r) => r.maxTokens,
  stop: (r) => r.stop,
  'tool definitions': (r) => r.tools?.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
  'tool choice': (r) => r.toolChoice,
  stream: (r) => r.stream,
  'top p': (r) => r.topP,
  seed: (r) => r.seed,
  'presence penalty': (r) => r.presencePenalty,
  user: (r) => r.user,
  'parallel tool calls': (r) => r.parallelToolCalls,
  'response format schema': (r) => (r.responseFormat?.type === 'json-schema' ? r.responseFormat.schema : undefined),
  'response format name': (r) => (r.responseFormat?.type === 'json-schema' ? r.responseFormat.name : undefined),
};
