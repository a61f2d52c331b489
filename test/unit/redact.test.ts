import assert from 'node:assert/strict';
import { REDACTED, redactText, redactValue } from '../../src/gateway/redact';

describe('redact', () => {
  it('replaces every known secret by value, longest first', () => {
    const out = redactText('keys abcdef123456 and abcdef123456789 used', ['abcdef123456', 'abcdef123456789']);
    assert.equal(out, `keys ${REDACTED} and ${REDACTED} used`);
  });

  it('ignores known secrets too short to replace safely', () => {
    assert.equal(redactText('the cat sat', ['cat']), 'the cat sat');
  });

  it('escapes regex characters in secrets', () => {
    assert.equal(redactText('x a.b*c+d?(e) y', ['a.b*c+d?(e)']), `x ${REDACTED} y`);
  });

  it('redacts bearer tokens, sk-… keys, Google keys and gateway keys it was not told about', () => {
    const gw = 'sb-' + 'A1'.repeat(20);
    const text = `Authorization: Bearer eyJhbGciOi.payload.sig then sk-proj-abcdefgh1234 and sk-ant-api03-xyz_789abc AIza${'x'.repeat(35)} ${gw}`;
    const out = redactText(text);
    for (const leaked of ['eyJhbGciOi', 'sk-proj-abcdefgh1234', 'api03-xyz', 'AIzaxxx', gw]) assert.ok(!out.includes(leaked), `${leaked} in ${out}`);
    assert.ok(out.includes(`Bearer ${REDACTED}`), out);
  });

  it('redacts auth header values in header-like text and JSON', () => {
    const out = redactText('{"x-api-key":"plainvalue1","x-goog-api-key": "other-value-2"} x-api-key: third-value');
    assert.ok(!/plainvalue1|other-value-2|third-value/.test(out), out);
  });

  it('leaves ordinary text alone', () => {
    const text = 'gateway listening on http://127.0.0.1:4848 (skipped 2 tokens, task-sk-1)';
    assert.equal(redactText(text), text);
  });

  it('redactValue blanks secret-named fields at any depth and redacts strings', () => {
    const out = redactValue({
      headers: { authorization: 'whatever', 'x-api-key': 'k', accept: 'json' },
      nested: [{ apiKey: 'q' }, 'uses topsecret-value here'],
      keyId: 'k123', count: 3, empty: '',
    }, ['topsecret-value']);
    assert.deepEqual(out, {
      headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      nested: [{ apiKey: REDACTED }, `uses ${REDACTED} here`],
      keyId: 'k123', count: 3, empty: '',
    });
  });

  it('redactValue turns errors into redacted text and stops at deep nesting', () => {
    const err = new Error('upstream said: invalid key sk-live-abcdef123456');
    assert.ok(!String(redactValue(err)).includes('abcdef123456'));
    let deep: Record<string, unknown> = { v: 'end' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    assert.ok(JSON.stringify(redactValue(deep)).includes('[…]'));
  });
});
