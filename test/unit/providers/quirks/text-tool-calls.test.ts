import assert from 'node:assert/strict';
import { textToolCalls, parseToolCallBody } from '../../../../src/gateway/providers/quirks/text-tool-calls';
import { runSteps } from '../../../../src/gateway/core/stream';
import type { StreamEvent } from '../../../../src/gateway/core/model';

function textStream(chunks: string[], extra: StreamEvent[] = []): StreamEvent[] {
  return [
    { type: 'start', id: 'r', model: 'm' },
    ...extra,
    { type: 'text-start', index: extra.length ? 1 : 0 },
    ...chunks.map((text): StreamEvent => ({ type: 'text-delta', index: extra.length ? 1 : 0, text })),
    { type: 'text-end', index: extra.length ? 1 : 0 },
    { type: 'finish', reason: 'stop' },
  ];
}

let n = 0;
const run = (events: StreamEvent[], toolNames?: string[]) => { n = 0; return runSteps(events, textToolCalls({ toolNames, newCallId: () => `call_${++n}` })); };
const texts = (out: StreamEvent[]) => out.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join('');

/** Every block starts before its events, ends once, indices are unique, and only one block is open at a time. */
function assertWellFormed(out: StreamEvent[]): void {
  const open = new Set<number>(); const seen = new Set<number>();
  for (const e of out) {
    if (!('index' in e)) continue;
    if (e.type.endsWith('-start')) { assert.ok(!seen.has(e.index), `index ${e.index} reused`); assert.equal(open.size, 0, 'one block at a time'); open.add(e.index); seen.add(e.index); }
    else if (e.type.endsWith('-end')) { assert.ok(open.delete(e.index)); }
    else assert.ok(open.has(e.index), `${e.type} outside its block`);
  }
  assert.equal(open.size, 0);
}

describe('text tool-call quirk', () => {
  it('turns a <tool_use> JSON block split across deltas into a tool call, keeping surrounding text', () => {
    const out = run(textStream(['Let me check.<to', 'ol_use>{"name":"get_weather",', '"arguments":{"city":"Paris"}}</tool_', 'use>\nDone.']));
    assertWellFormed(out);
    assert.equal(texts(out), 'Let me check.Done.');
    const start = out.find((e) => e.type === 'tool-start');
    assert.deepEqual(start, { type: 'tool-start', index: 1, callId: 'call_1', name: 'get_weather' });
    assert.equal(out.filter((e) => e.type === 'tool-delta').map((e) => (e as { argsJson: string }).argsJson).join(''), '{"city":"Paris"}');
    const fin = out[out.length - 1]!;
    assert.ok(fin.type === 'finish' && fin.reason === 'tool-calls');
  });

  it('handles <function_call> with XML children and several calls, and renumbers other blocks', () => {
    const out = run(textStream(['<function_call><name>ls</name><arguments>{"p":"."}</arguments></function_call><tool_use>[{"name":"a","input":{}},{"name":"b","parameters":"{\\"x\\":1}"}]</tool_use>'],
      [{ type: 'reasoning-start', index: 0 }, { type: 'reasoning-delta', index: 0, text: 'hm' }, { type: 'reasoning-end', index: 0 }]));
    assertWellFormed(out);
    assert.deepEqual(out.filter((e) => e.type === 'tool-start').map((e) => (e as { name: string }).name), ['ls', 'a', 'b']);
    assert.equal(texts(out), '');
    assert.ok(!out.some((e) => e.type === 'text-start'), 'no empty text block');
    assert.equal((out.find((e) => e.type === 'reasoning-start') as { index: number }).index, 0);
  });

  it('leaves text alone when it is not a call: plain "<", unknown tools, unterminated tags, bad bodies', () => {
    const plain = run(textStream(['a < b and <tool', 's> are fine']));
    assert.equal(texts(plain), 'a < b and <tools> are fine');
    assert.ok(!plain.some((e) => e.type === 'tool-start'));
    const unknown = run(textStream(['<tool_use>{"name":"rm","arguments":{}}</tool_use>']), ['ls']);
    assert.equal(texts(unknown), '<tool_use>{"name":"rm","arguments":{}}</tool_use>');
    const open = run(textStream(['x <tool_use>{"name":"ls"']));
    assert.equal(texts(open), 'x <tool_use>{"name":"ls"');
    const bad = run(textStream(['<tool_use>not json</tool_use>']));
    assert.equal(texts(bad), '<tool_use>not json</tool_use>');
    const fin = bad[bad.length - 1]!;
    assert.ok(fin.type === 'finish' && fin.reason === 'stop');
  });

  it('parses body forms', () => {
    assert.deepEqual(parseToolCallBody('{"function":{"name":"f","arguments":"{\\"a\\":1}"}}'), [{ name: 'f', argsJson: '{"a":1}' }]);
    assert.deepEqual(parseToolCallBody('{"name":"f","arguments":"raw text"}'), [{ name: 'f', argsJson: '{"input":"raw text"}' }]);
    assert.equal(parseToolCallBody('{"arguments":{}}'), undefined);
  });
});
