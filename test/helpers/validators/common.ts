/**
 * Shared bits of the strict stream-grammar validators. The validators are written from the providers' published
 * stream documentation, independently of the codecs in src/gateway/protocols (they import nothing from there), so a
 * codec bug cannot be hidden by a validator that shares its assumptions.
 */
import type { SseEvent } from '../../../src/gateway/sse/types';

export type { SseEvent };

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** Whether `v` is a plain JSON object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses `data` as a JSON object, or returns undefined. */
export function parseObj(data: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `text` is valid JSON whose value is an object (tool arguments must be). */
export function isJsonObjectText(text: string): boolean {
  try {
    return isObj(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Whether `v` is a finite number (usage counters). */
export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Whether `v` is a non-negative integer. */
export function isCount(v: unknown): v is number {
  return isNum(v) && Number.isInteger(v) && v >= 0;
}
