import assert from 'node:assert/strict';
import { formatDuration, resolveTimeouts, timeoutError } from '../../../src/gateway/routing/timeouts';

describe('timeouts', () => {
  it('fills defaults by streaming mode and keeps configured values', () => {
    assert.deepEqual(resolveTimeouts(undefined, { stream: true }), { connectMs: 10_000, firstByteMs: 300_000, idleMs: 300_000 });
    assert.equal(resolveTimeouts({}, { stream: false }).firstByteMs, 600_000);
    assert.deepEqual(resolveTimeouts({ connectMs: 2000, firstByteMs: 0, idleMs: Number.NaN }, { stream: true }),
      { connectMs: 2000, firstByteMs: 300_000, idleMs: 300_000 });
  });

  it('builds timeout errors with clear messages; only idle is final', () => {
    const first = timeoutError('first-byte', 'anthropic', 120_000);
    assert.equal(first.message, 'no first byte from anthropic within 120s');
    assert.equal(first.kind, 'timeout');
    assert.equal(first.status, 504);
    assert.equal(first.code, 'first_byte_timeout');
    assert.equal(first.retryable, true);
    assert.equal(timeoutError('connect', 'openai', 10_000).message, 'could not connect to openai within 10s');
    const idle = timeoutError('idle', 'gemini', 1500);
    assert.match(idle.message, /gemini sent nothing for 1\.5s/);
    assert.equal(idle.retryable, false);
    assert.equal(formatDuration(250), '250ms');
  });
});
