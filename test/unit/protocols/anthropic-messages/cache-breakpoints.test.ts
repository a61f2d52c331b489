import assert from 'node:assert/strict';
import { addCacheBreakpoints } from '../../../../src/gateway/protocols/anthropic-messages';

const E = { type: 'ephemeral' };
const marks = (v: unknown): number => JSON.stringify(v).split('"cache_control"').length - 1;

describe('anthropic-messages addCacheBreakpoints', () => {
  it('marks the last tool, the system prompt and the second-to-last user turn', () => {
    const body = addCacheBreakpoints({
      model: 'm', max_tokens: 1, system: 'sys',
      tools: [{ name: 'a', input_schema: {} }, { name: 'b', input_schema: {} }],
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'image', source: { type: 'url', url: 'u' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] },
        { role: 'user', content: 'third' },
      ],
    });
    assert.deepEqual(body.tools, [{ name: 'a', input_schema: {} }, { name: 'b', input_schema: {}, cache_control: E }]);
    assert.deepEqual(body.system, [{ type: 'text', text: 'sys', cache_control: E }]);
    assert.deepEqual(body.messages[2]!.content, [{ type: 'text', text: 'second' }, { type: 'image', source: { type: 'url', url: 'u' }, cache_control: E }]);
    assert.equal(body.messages[4]!.content, 'third');
    assert.equal(marks(body), 3);
  });

  it('never exceeds 4 breakpoints, counting existing ones', () => {
    const cached = { type: 'text', text: 'x', cache_control: E };
    const body = addCacheBreakpoints({
      model: 'm', max_tokens: 1,
      system: [cached, { ...cached }, { ...cached }],
      tools: [{ name: 'a', input_schema: {} }],
      messages: [{ role: 'user', content: 'q1' }, { role: 'user', content: 'q2' }],
    });
    assert.equal(marks(body), 4);
    assert.deepEqual(body.tools[0], { name: 'a', input_schema: {}, cache_control: E });
    assert.equal(body.messages[0]!.content, 'q1');
  });

  it('leaves a single-turn request without a user breakpoint', () => {
    const body = addCacheBreakpoints({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'only' }] });
    assert.equal(marks(body), 0);
  });
});
