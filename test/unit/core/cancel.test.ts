import assert from 'node:assert/strict';
import { Cancellation, type CancelSignal } from '../../../src/gateway/core/cancel';

describe('Cancellation', () => {
  it('runs each listener once, in order, with an AbortError reason by default', () => {
    const c = new Cancellation();
    const calls: string[] = [];
    const a = (): void => { calls.push('a'); };
    const b = (): void => { calls.push('b'); };
    const gone = (): void => { calls.push('gone'); };
    c.addEventListener('abort', a);
    c.addEventListener('abort', gone);
    c.addEventListener('abort', b);
    c.addEventListener('abort', a); // a duplicate is ignored, as by EventTarget
    c.removeEventListener('abort', gone);
    assert.equal(c.aborted, false);
    c.abort();
    c.abort();
    assert.deepEqual(calls, ['a', 'b']);
    assert.equal(c.aborted, true);
    assert.ok(c.reason instanceof DOMException && c.reason.name === 'AbortError');
    c.addEventListener('abort', a); // after the fact: never runs
    assert.deepEqual(calls, ['a', 'b']);
  });

  it('keeps a given reason, and an AbortSignal fits where a CancelSignal goes', () => {
    const c = new Cancellation();
    c.abort(new Error('gone'));
    assert.equal((c.reason as Error).message, 'gone');
    const controller = new AbortController();
    const signal: CancelSignal = controller.signal;
    assert.equal(signal.aborted, false);
  });
});
