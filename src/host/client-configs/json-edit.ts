/** Comment-preserving edits of JSON/JSONC files through jsonc-parser, remembering what each edited path held before. */
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type JSONPath, type ParseError } from './jsonc';

/** A path Switchboard set, and what was there before (restored by "Restore Client Configs"). */
export interface ManagedPath { path: JSONPath; existed: boolean; previous?: unknown }

/** A JSON(C) file that does not parse, or whose root is not an object. */
export class JsonInvalidError extends Error {}

/** Parses JSONC text (empty → `{}`) and checks the root is an object. */
export function readJsonObject(text: string, what: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    throw new JsonInvalidError(`${what} is not valid JSON: ${e ? `${printParseErrorCode(e.error)} at offset ${e.offset}` : 'empty document'}`);
  }
  const value: unknown = getNodeValue(root);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JsonInvalidError(`${what} must contain a JSON object`);
  return value as Record<string, unknown>;
}

function indentOf(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (m && m[1]!.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: m ? m[1]!.length : 2 };
}

/** What a path holds in `text` now. */
export function valueAt(text: string, path: JSONPath): { existed: boolean; value?: unknown } {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const node = root ? findNodeAtLocation(root, path) : undefined;
  return node ? { existed: true, value: getNodeValue(node) as unknown } : { existed: false };
}

/** Sets (or, with `undefined`, removes) one path, keeping comments and the file's indentation. */
export function setPath(text: string, path: JSONPath, value: unknown): string {
  const base = text.trim() === '' ? '{}\n' : text;
  const eol = base.includes('\r\n') ? '\r\n' : '\n';
  const edits = modify(base, path, value, { formattingOptions: { ...indentOf(base), eol } });
  return applyEdits(base, edits);
}

/** Applies `sets` in order; returns the new text and what each path held before. */
export function setPaths(text: string, sets: Array<[JSONPath, unknown]>): { text: string; managed: ManagedPath[] } {
  let out = text;
  const managed: ManagedPath[] = [];
  for (const [path, value] of sets) {
    const before = valueAt(out, path);
    managed.push(before.existed ? { path, existed: true, previous: before.value } : { path, existed: false });
    out = setPath(out, path, value);
  }
  if (text.trim() === '' && !out.endsWith('\n')) out += '\n';
  return { text: out, managed };
}

/** Puts back what `managed` recorded (last edit first), removing paths that did not exist. */
export function revertPaths(text: string, managed: ManagedPath[]): string {
  let out = text;
  for (const m of [...managed].reverse()) out = setPath(out, m.path, m.existed ? m.previous : undefined);
  return out;
}
