/** Gemini generateContent request ↔ canonical ChatRequest. */
import { invalidRequest } from '../../core/errors';
import type {
  ChatRequest, FilePart, FileSource, ImagePart, Message, Part, TextPart, ToolChoice, ToolDefinition, ToolResultPart,
} from '../../core/model';
import { describeSource, isImageType, mediaTypeOfName, unsupportedFile } from '../files';
import type { InboundContext, UpstreamCall } from '../types';
import { isGeneratedCallId, stableCallId } from './call-ids';
import { decodeGenerationConfig, encodeGenerationConfig } from './generation-config';
import { geminiModelPath } from './model-path';
import { decodeModelParts, encodeModelParts, type ModelPart } from './parts';
import type {
  GeminiContent, GeminiFunctionDeclaration, GeminiGenerateContentRequest, GeminiPart, GeminiTool, GeminiToolConfig,
} from './wire';

const KNOWN_TOP_LEVEL = new Set(['contents', 'systemInstruction', 'system_instruction', 'tools', 'toolConfig', 'generationConfig', 'model']);
/** `extra.gemini` keys that are encoder hints rather than top-level wire fields. */
const HINT_KEYS = new Set(['generationConfig', 'tools', 'thinkingLevel', 'responseJsonSchema', 'toolConfig']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `:countTokens` bodies may wrap a whole request in `generateContentRequest`. */
function unwrap(body: Record<string, unknown>): Record<string, unknown> {
  return isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
}

/** Gemini request body → canonical. Throws invalid_request with the offending `param`. */
export function decodeGeminiRequest(raw: Record<string, unknown>, ctx: InboundContext): ChatRequest {
  const body = unwrap(raw) as GeminiGenerateContentRequest;
  if (!Array.isArray(body.contents)) throw invalidRequest('contents must be an array', 'contents');
  const messages: Message[] = [];
  const system = body.systemInstruction ?? (body as Record<string, unknown>).system_instruction;
  if (system !== undefined) messages.push({ role: 'system', parts: decodeSystem(system) });
  messages.push(...decodeContents(body.contents));
  const gen = decodeGenerationConfig(isRecord(body.generationConfig) ? body.generationConfig : undefined);
  const extra: Record<string, unknown> = { ...gen.hints };
  for (const [k, v] of Object.entries(body)) if (!KNOWN_TOP_LEVEL.has(k)) extra[k] = v;
  if (Object.keys(gen.rest).length) extra.generationConfig = gen.rest;
  const req: ChatRequest = {
    model: ctx.params.model ?? (typeof body.model === 'string' ? body.model : ''),
    messages,
    stream: ctx.params.action === 'streamGenerateContent',
    ...gen.fields,
  };
  const tools = decodeTools(body.tools, extra);
  if (tools.length) req.tools = tools;
  const choice = decodeToolConfig(body.toolConfig, extra);
  if (choice) req.toolChoice = choice;
  if (Object.keys(extra).length) req.extra = { gemini: extra };
  return req;
}

function decodeSystem(system: unknown): TextPart[] {
  if (typeof system === 'string') return [{ type: 'text', text: system }];
  if (!isRecord(system) || !Array.isArray(system.parts)) throw invalidRequest('systemInstruction must be a Content', 'systemInstruction');
  return (system.parts as GeminiPart[]).filter((p) => typeof p.text === 'string').map((p) => ({ type: 'text', text: p.text! }));
}

/** Walks the turns in order so that ids for id-less calls and their responses come out the same every time. */
function decodeContents(contents: GeminiContent[]): Message[] {
  const messages: Message[] = [];
  let callOrdinal = 0;
  let responseOrdinal = 0;
  const unanswered = new Map<string, string[]>(); // name → call ids still waiting for a response, oldest first
  contents.forEach((content, i) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) throw invalidRequest('each content needs a parts array', `contents[${i}].parts`);
    if (content.role === 'model') {
      const parts = decodeModelParts(content.parts, (name) => stableCallId('history', name, callOrdinal++));
      for (const p of parts) {
        if (p.type !== 'tool-call') continue;
        const queue = unanswered.get(p.name) ?? [];
        queue.push(p.callId);
        unanswered.set(p.name, queue);
      }
      if (parts.length) messages.push({ role: 'assistant', parts });
      return;
    }
    let run: { role: 'user' | 'tool'; parts: Part[] } | undefined;
    content.parts.forEach((part, j) => {
      const fr = part.functionResponse;
      if (fr) {
        if (fr.id) removeId(unanswered.get(fr.name), fr.id);
        const callId = fr.id || unanswered.get(fr.name)?.shift() || stableCallId('history-response', fr.name, responseOrdinal);
        responseOrdinal++;
        if (run?.role !== 'tool') { run = { role: 'tool', parts: [] }; messages.push(run); }
        run.parts.push(decodeFunctionResponse(fr.name, fr.response, callId));
        return;
      }
      const decoded = decodeUserPart(part, `contents[${i}].parts[${j}]`);
      if (!decoded) return;
      if (run?.role !== 'user') { run = { role: 'user', parts: [] }; messages.push(run); }
      run.parts.push(decoded);
    });
  });
  return messages;
}

function removeId(queue: string[] | undefined, id: string): void {
  const at = queue?.indexOf(id) ?? -1;
  if (queue && at >= 0) queue.splice(at, 1);
}

function decodeFunctionResponse(name: string, response: unknown, callId: string): ToolResultPart {
  const obj = isRecord(response) ? response : { result: response };
  const keys = Object.keys(obj);
  const only = keys.length === 1 ? keys[0]! : undefined;
  const isError = only === 'error';
  const single = only !== undefined ? obj[only] : undefined;
  const text = typeof single === 'string' && (only === 'result' || only === 'output' || only === 'content' || isError)
    ? single : JSON.stringify(obj);
  const part: ToolResultPart = { type: 'tool-result', callId, name, content: [{ type: 'text', text }], extra: { gemini: { response: obj } } };
  if (isError) part.isError = true;
  return part;
}

/** A Gemini Files API URI (`https://generativelanguage.googleapis.com/v1beta/files/abc`): readable only by Gemini. */
const FILES_API_URI = /^https:\/\/generativelanguage\.googleapis\.com\/[^/]+\/files\/[^/?#]+/i;

/**
 * inlineData / fileData: images (or no MIME type) stay image parts; any other MIME type (PDF, text, audio…) is a
 * file part. Blob fields besides the data (`displayName`) stay in `extra.gemini`; the display name is also the file name.
 */
function decodeUserPart(part: GeminiPart, param: string): TextPart | ImagePart | FilePart | undefined {
  if (typeof part.text === 'string') return part.thought ? undefined : { type: 'text', text: part.text };
  if (part.inlineData) {
    const { mimeType, data } = part.inlineData;
    if (typeof data !== 'string') throw invalidRequest('inlineData.data must be base64 text', `${param}.inlineData.data`);
    if (isFileType(mimeType)) return filePart({ kind: 'base64', mediaType: mimeType, data }, part.inlineData, BLOB_KNOWN);
    return { type: 'image', source: { kind: 'base64', mediaType: mimeType, data } };
  }
  if (part.fileData) {
    const { fileUri, mimeType } = part.fileData;
    if (typeof fileUri !== 'string') throw invalidRequest('fileData.fileUri must be a string', `${param}.fileData.fileUri`);
    if (isFileType(mimeType)) {
      const source: FileSource = FILES_API_URI.test(fileUri)
        ? { kind: 'file-id', fileId: fileUri, store: 'gemini', mediaType: mimeType }
        : { kind: 'url', url: fileUri, mediaType: mimeType };
      return filePart(source, part.fileData, FILE_DATA_KNOWN);
    }
    return { type: 'image', source: mimeType ? { kind: 'url', url: fileUri, mediaType: mimeType } : { kind: 'url', url: fileUri } };
  }
  return undefined; // executableCode, videoMetadata, …: nothing canonical to carry them
}

const isFileType = (mimeType: unknown): mimeType is string => typeof mimeType === 'string' && mimeType !== '' && !isImageType(mimeType);
const BLOB_KNOWN = new Set(['mimeType', 'data']);
const FILE_DATA_KNOWN = new Set(['mimeType', 'fileUri']);

function filePart(source: FileSource, wire: object, known: ReadonlySet<string>): FilePart {
  const part: FilePart = { type: 'file', source };
  let extra: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(wire)) if (!known.has(k) && v !== undefined) (extra ??= {})[k] = v;
  if (extra) {
    if (typeof extra.displayName === 'string' && extra.displayName) part.filename = extra.displayName;
    part.extra = { gemini: extra };
  }
  return part;
}

function decodeTools(tools: GeminiTool[] | undefined, extra: Record<string, unknown>): ToolDefinition[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array', 'tools');
  const out: ToolDefinition[] = [];
  const others: GeminiTool[] = [];
  tools.forEach((tool, i) => {
    const { functionDeclarations, ...rest } = tool;
    if (Object.keys(rest).length) others.push(rest);
    (functionDeclarations ?? []).forEach((fd, j) => {
      if (!isRecord(fd) || typeof fd.name !== 'string') throw invalidRequest('function declaration needs a name', `tools[${i}].functionDeclarations[${j}].name`);
      const def: ToolDefinition = { name: fd.name, parameters: fd.parametersJsonSchema ?? fd.parameters ?? { type: 'object', properties: {} } };
      if (typeof fd.description === 'string') def.description = fd.description;
      if (fd.parametersJsonSchema) def.extra = { gemini: { parametersJsonSchema: true } };
      out.push(def);
    });
  });
  if (others.length) extra.tools = others; // googleSearch, codeExecution, urlContext: Gemini-only tools
  return out;
}

function decodeToolConfig(tc: GeminiToolConfig | undefined, extra: Record<string, unknown>): ToolChoice | undefined {
  const fcc = tc?.functionCallingConfig;
  if (!tc) return undefined;
  const { functionCallingConfig: _fcc, ...rest } = tc;
  if (Object.keys(rest).length) extra.toolConfig = rest; // retrievalConfig etc.
  if (!fcc?.mode) return undefined;
  if (fcc.mode === 'NONE') return { type: 'none' };
  if (fcc.mode === 'ANY' || fcc.mode === 'VALIDATED') {
    const names = fcc.allowedFunctionNames ?? [];
    return names.length === 1 ? { type: 'tool', name: names[0]! } : { type: 'required' };
  }
  return { type: 'auto' };
}

// ─── encode ──────────────────────────────────────────────────────────────────────────────────────

/** Canonical request → Gemini upstream call (`parameters` carries the tool schemas: see strip-gemini-schema). */
export function encodeGeminiRequest(req: ChatRequest, model: string): UpstreamCall {
  const hints = req.extra?.gemini ?? {};
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hints)) if (!HINT_KEYS.has(k)) body[k] = v;
  body.contents = encodeContents(req.messages);
  const system = req.messages.filter((m) => m.role === 'system').flatMap((m) => m.parts)
    .filter((p): p is TextPart => p.type === 'text' && p.text !== '').map((p) => ({ text: p.text }));
  if (system.length) body.systemInstruction = { parts: system };
  const tools = encodeTools(req.tools, hints.tools);
  if (tools.length) body.tools = tools;
  const toolConfig = encodeToolChoice(req.toolChoice, hints.toolConfig);
  if (toolConfig) body.toolConfig = toolConfig;
  const gc = encodeGenerationConfig(req, model);
  if (gc) body.generationConfig = gc;
  return {
    path: geminiModelPath(model, req.stream ? 'streamGenerateContent' : 'generateContent'),
    body,
    stream: req.stream,
  };
}

function encodeContents(messages: Message[]): GeminiContent[] {
  const names = new Map<string, string>();
  for (const m of messages) for (const p of m.parts) if (p.type === 'tool-call') names.set(p.callId, p.name);
  const out: GeminiContent[] = [];
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (!parts.length) return;
    const last = out[out.length - 1];
    // Gemini wants all responses to one model turn's calls in a single user turn: merge same-role neighbours.
    if (last?.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  };
  messages.forEach((m, i) => {
    if (m.role === 'system') return;
    if (m.role === 'assistant') {
      const modelParts = m.parts.filter((p): p is ModelPart => p.type === 'text' || p.type === 'reasoning' || p.type === 'tool-call');
      push('model', encodeModelParts(modelParts, { keepThoughts: false, sendGeneratedIds: false }));
      return;
    }
    push('user', m.parts.flatMap((p, j) => encodeUserPart(p, names, `messages[${i}].parts[${j}]`)));
  });
  return out;
}

function encodeUserPart(part: Part, names: Map<string, string>, param: string): GeminiPart[] {
  switch (part.type) {
    case 'text': return part.text ? [{ text: part.text }] : [];
    case 'image': return [encodeImage(part)];
    case 'file': return [encodeFile(part, param)];
    case 'tool-result': return encodeToolResult(part, names, param);
    case 'tool-call': case 'reasoning': return []; // not user content; only a malformed history puts them here
  }
}

function encodeImage(part: ImagePart): GeminiPart {
  const src = part.source;
  if (src.kind === 'base64') return { inlineData: { mimeType: src.mediaType, data: src.data } };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(src.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1]!, data: dataUrl[2]! } };
  return { fileData: { mimeType: src.mediaType ?? guessMimeType(src.url), fileUri: src.url } };
}

/**
 * A file part → inlineData (bytes), fileData (URL or Gemini file), or text (a plain-text document). Another
 * vendor's file id is a 400 naming the part. Fields kept from a Gemini blob (`displayName`) go back on it.
 */
function encodeFile(part: FilePart, param: string): GeminiPart {
  const src = part.source;
  const own = part.extra?.gemini;
  switch (src.kind) {
    case 'text': return { text: src.text };
    case 'base64': return { inlineData: { ...own, mimeType: src.mediaType, data: src.data } };
    case 'url': return { fileData: { ...own, mimeType: src.mediaType ?? guessFileType(src.url), fileUri: src.url } };
    case 'file-id':
      if (src.store !== 'gemini') {
        throw unsupportedFile(param, 'a Gemini upstream', `${describeSource(src)} can be read only through its own vendor's API; send the file inline instead`);
      }
      return { fileData: { ...own, mimeType: src.mediaType ?? guessFileType(src.fileId), fileUri: src.fileId } };
  }
}

/** Gemini needs a MIME type with every file; documents without one are most often PDFs. */
const guessFileType = (url: string): string => mediaTypeOfName(url) ?? 'application/pdf';

function guessMimeType(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  const byExt: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf', heic: 'image/heic' };
  return (ext && byExt[ext]) || 'image/jpeg';
}

function encodeToolResult(part: ToolResultPart, names: Map<string, string>, param: string): GeminiPart[] {
  const name = part.name ?? names.get(part.callId);
  if (!name) throw invalidRequest(`tool result ${part.callId} has no matching tool call (Gemini needs the function name)`, param);
  const kept = part.extra?.gemini?.response;
  // Plain-text documents are part of the result's text.
  const text = part.content.map((c) => (c.type === 'text' ? c.text : c.type === 'file' && c.source.kind === 'text' ? c.source.text : undefined))
    .filter((t): t is string => t !== undefined).join('\n');
  const response = isRecord(kept) ? kept : part.isError ? { error: text } : { result: text };
  const fr: GeminiPart['functionResponse'] = { name, response };
  if (!isGeneratedCallId(part.callId)) fr!.id = part.callId;
  // Images and files a tool returned ride along as ordinary parts of the same user turn.
  const media: GeminiPart[] = [];
  part.content.forEach((c, k) => {
    if (c.type === 'image') media.push(encodeImage(c));
    else if (c.type === 'file' && c.source.kind !== 'text') media.push(encodeFile(c, `${param}.content[${k}]`));
  });
  return [{ functionResponse: fr }, ...media];
}

function encodeTools(tools: ToolDefinition[] | undefined, others: unknown): GeminiTool[] {
  const out: GeminiTool[] = [];
  if (tools?.length) {
    out.push({ functionDeclarations: tools.map(encodeTool) });
  }
  if (Array.isArray(others)) out.push(...others.filter(isRecord));
  return out;
}

function encodeTool(tool: ToolDefinition): GeminiFunctionDeclaration {
  const fd: GeminiFunctionDeclaration = { name: tool.name };
  if (tool.description) fd.description = tool.description;
  const params = tool.kind === 'custom'
    ? { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] }
    : tool.parameters;
  if (tool.extra?.gemini?.parametersJsonSchema === true) { fd.parametersJsonSchema = params; return fd; }
  // Gemini rejects an OBJECT schema with no properties; a function without arguments simply omits parameters.
  const props = params.properties;
  const empty = params.type === 'object' && (!isRecord(props) || Object.keys(props).length === 0);
  if (!empty) fd.parameters = params;
  return fd;
}

function encodeToolChoice(choice: ToolChoice | undefined, rest: unknown): GeminiToolConfig | undefined {
  const tc: GeminiToolConfig = isRecord(rest) ? { ...rest } : {};
  if (choice?.type === 'auto') tc.functionCallingConfig = { mode: 'AUTO' };
  if (choice?.type === 'none') tc.functionCallingConfig = { mode: 'NONE' };
  if (choice?.type === 'required') tc.functionCallingConfig = { mode: 'ANY' };
  if (choice?.type === 'tool') tc.functionCallingConfig = { mode: 'ANY', allowedFunctionNames: [choice.name] };
  return Object.keys(tc).length ? tc : undefined;
}
