/**
 * Helpers the codecs share for file (document) parts: data URLs, media types from names, default file names, and
 * the one error for a file a target protocol cannot carry.
 */
import { invalidRequest, type GatewayError } from '../core/errors';
import type { FilePart, FileSource } from '../core/model';

/** `data:<type>[;params];base64,<payload>` → media type (when given) and payload; undefined for any other string. */
export function parseBase64DataUrl(url: string): { mediaType?: string; data: string } | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*);base64,/i.exec(url);
  if (!m) return undefined;
  const data = url.slice(m[0].length);
  return m[1] ? { mediaType: m[1], data } : { data };
}

/** Extensions of the document types the vendors take, and their media types. */
const TYPE_BY_EXT: Readonly<Record<string, string>> = {
  pdf: 'application/pdf', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', html: 'text/html', htm: 'text/html',
  json: 'application/json', xml: 'application/xml', rtf: 'application/rtf',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
};
const EXT_BY_TYPE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TYPE_BY_EXT).reverse().map(([ext, type]) => [type, ext]));

/** The media type a file name or URL path suggests by its extension; undefined when unknown. */
export function mediaTypeOfName(name: string | undefined): string | undefined {
  const ext = name === undefined ? undefined : /\.([a-z0-9]+)(?:[?#]|$)/i.exec(name)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : TYPE_BY_EXT[ext];
}

/**
 * A file's `file_data` as OpenAI clients send it: a base64 data URL, or bare base64 whose type the file name
 * tells (PDF, the only type every OpenAI file input takes, when it does not). `param` names it in errors.
 */
export function decodeFileData(fileData: string, filename: string | undefined, param: string): FileSource {
  const url = parseBase64DataUrl(fileData);
  if (!url && /^data:/i.test(fileData)) throw invalidRequest(`${param}: a data URL must be base64 (data:<type>;base64,...)`, param);
  const mediaType = url?.mediaType ?? mediaTypeOfName(filename) ?? 'application/pdf';
  return { kind: 'base64', mediaType, data: url ? url.data : fileData };
}

/** Lower-cased media type without parameters (`Application/PDF; x=y` → `application/pdf`). */
export function bareMediaType(mediaType: string): string {
  const semi = mediaType.indexOf(';');
  return (semi < 0 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
}

export const isPdf = (mediaType: string | undefined): boolean => mediaType !== undefined && bareMediaType(mediaType) === 'application/pdf';
export const isImageType = (mediaType: string | undefined): boolean => mediaType !== undefined && bareMediaType(mediaType).startsWith('image/');
export const isTextType = (mediaType: string | undefined): boolean => mediaType !== undefined && bareMediaType(mediaType).startsWith('text/');

/** A file name for protocols that want one with inline data: the part's own, else `document.<ext>` by media type. */
export function filenameFor(part: FilePart): string {
  if (part.filename) return part.filename;
  const src = part.source;
  const type = src.kind === 'text' ? 'text/plain' : src.mediaType === undefined ? undefined : bareMediaType(src.mediaType);
  return `document.${(type && EXT_BY_TYPE[type]) ?? 'bin'}`;
}

/** Base64 of UTF-8 text → the text (for plain-text documents). */
export const base64ToText = (data: string): string => Buffer.from(data, 'base64').toString('utf8');

/**
 * The 400 for a file part the target protocol cannot carry, naming the part (`messages[i].parts[j]`, the
 * canonical position, as other encoder errors do) and saying what the target takes instead.
 */
export function unsupportedFile(param: string, target: string, why: string): GatewayError {
  return invalidRequest(`${param}: this file cannot be sent to ${target}: ${why}`, param);
}

/** How a file source is described in errors. */
export function describeSource(src: FileSource): string {
  switch (src.kind) {
    case 'base64': return `inline ${src.mediaType} data`;
    case 'text': return 'a plain-text document';
    case 'url': return `a file by URL (${src.url.length > 80 ? `${src.url.slice(0, 77)}...` : src.url})`;
    case 'file-id': return `${src.store === 'gemini' ? 'a Gemini Files API file' : src.store === 'openai' ? 'an OpenAI file_id' : 'an Anthropic Files API file_id'} (${src.fileId})`;
  }
}
