import assert from 'node:assert/strict';
import { lastTopLevelMember, topLevelMembers } from '../../../src/gateway/pipeline/json-scan';

/** A small deterministic generator of JSON values with awkward strings (quotes, backslash runs, braces, long ones). */
function generator(seed: number) {
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const STRINGS = ['', 'usage', 'model', 'a"b', 'x\\y', '}', '{', '[', ']', ':', ',', '"usage":', 'é😀', '\\"', '\\\\', '\u2028',
    `${'x'.repeat(30)}\\"${'y'.repeat(10)}`, `${'x'.repeat(31)}\\"}`, `${'q'.repeat(29)}\\\\\\"`, `"model":"x" ${'long '.repeat(20)}`];
  const value = (d: number): unknown => {
    const r = rnd();
    if (d > 3 || r < 0.3) return pick([1, -2.5e3, true, false, null, pick(STRINGS), 0]);
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(d + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rnd() * 5); i > 0; i--) o[pick(['usage', 'model', 'k', 'usageMetadata', pick(STRINGS)])] = value(d + 1);
    return o;
  };
  /** Serializes with random spacing, and sometimes an escaped key spelling or a duplicate member before the real one. */
  const text = (v: unknown): string => {
    const ws = (): string => pick(['', '', ' ', '\n ', '\t']);
    if (Array.isArray(v)) return `[${ws()}${v.map(text).join(`${ws()},${ws()}`)}${ws()}]`;
    if (v && typeof v === 'object') {
      const members: string[] = [];
      for (const [k, x] of Object.entries(v)) {
        const key = rnd() < 0.1 && /[a-z]/.test(k) ? JSON.stringify(k).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(k);
        if (rnd() < 0.15) members.push(`${key}${ws()}:${ws()}${JSON.stringify(value(3))}`);
        members.push(`${key}${ws()}:${ws()}${text(x)}`);
      }
      return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
    }
    return JSON.stringify(v);
  };
  return { rnd, value, text };
}

describe('json-scan', () => {
  it('finds the last top-level member exactly as JSON.parse sees it, or gives up', () => {
    const g = generator(7);
    let found = 0;
    for (let n = 0; n < 20000; n++) {
      const v = { k: g.value(1), ...(g.rnd() < 0.7 ? { usage: g.value(1) } : {}), ...(g.rnd() < 0.5 ? { model: g.value(2) } : {}) };
      const text = g.text(v);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      for (const key of ['usage', 'model', 'usageMetadata']) {
        const span = lastTopLevelMember(Buffer.from(text), key);
        if (!span) continue;
        found++;
        assert.ok(Object.hasOwn(parsed, key), text);
        assert.deepEqual(JSON.parse(Buffer.from(text).toString('utf8', span.start, span.end)), parsed[key], text);
      }
    }
    assert.ok(found > 5000, `found ${found}`);
  });

  it('reads only the tail of an answer and refuses what is not an object', () => {
    const body = Buffer.from('{"choices":[{"message":{"content":"a \\"usage\\": {} }"}}],"usage":{"prompt_tokens":3},"x":"}"}\n');
    const span = lastTopLevelMember(body, 'usage')!;
    assert.deepEqual(JSON.parse(body.toString('utf8', span.start, span.end)), { prompt_tokens: 3 });
    for (const t of ['', '  ', '{', '}', '[]', '"usage"', '<html>{"usage":1}</html>', '{"usage":1', '{"usage":1}x', '{"a":{"usage":1}}']) {
      assert.equal(lastTopLevelMember(Buffer.from(t), 'usage'), undefined, t);
    }
    // A key spelled with an escape could be `usage`: no guess.
    assert.equal(lastTopLevelMember(Buffer.from('{"usag\\u0065":{"a":1},"b":1}'), 'usage'), undefined);
  });

  it('finds top-level members going forwards, and refuses duplicates and escaped keys', () => {
    const g = generator(11);
    let found = 0;
    for (let n = 0; n < 20000; n++) {
      const v = { k: g.value(1), ...(g.rnd() < 0.7 ? { usage: g.value(1) } : {}), ...(g.rnd() < 0.7 ? { model: g.value(2) } : {}) };
      const text = g.text(v);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const top = topLevelMembers(text, ['model', 'usage']);
      if (!top) continue;
      found++;
      assert.equal(text[top.close], '}');
      ['model', 'usage'].forEach((key, i) => {
        const span = top.found[i];
        if (!span) { assert.ok(!Object.hasOwn(parsed, key), text); return; }
        assert.deepEqual(JSON.parse(text.slice(span.start, span.end)), parsed[key], text);
      });
    }
    assert.ok(found > 5000, `found ${found}`);
    assert.equal(topLevelMembers('{"model":"a","x":1,"model":"b"}', ['model']), undefined);
    assert.equal(topLevelMembers('{"x":1,"x":2,"model":"b"}', ['model']), undefined);
    assert.equal(topLevelMembers('{"mod\\u0065l":"a","model":"b"}', ['model']), undefined);
    assert.deepEqual(topLevelMembers('{"a":{"model":1,"model":2},"model" : "m" }', ['model'])?.found, [{ start: 36, end: 41 }]);
    assert.deepEqual(topLevelMembers(' {} ', ['model']), { found: [undefined], close: 2, count: 0 });
    for (const t of ['', '[]', '{"a":1', '{"a":"}', '{"a":[}', 'x{"a":1}']) assert.equal(topLevelMembers(t, ['a']), undefined, t);
  });
});
