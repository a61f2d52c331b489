import assert from 'node:assert/strict';
import { assertAuthModeAllowed, isLoopbackHost, keyRequired } from '../../../src/gateway/policy/auth-mode';
import { extractKey } from '../../../src/gateway/policy/extract-key';
import { compileModelGlobs, modelAllowed } from '../../../src/gateway/policy/model-glob';

describe('policy/extract-key', () => {
  it('takes Bearer, then x-api-key, then x-goog-api-key, then ?key=', () => {
    const all = { authorization: 'Bearer b', 'x-api-key': 'x', 'x-goog-api-key': 'g' };
    assert.equal(extractKey(all, '?key=q'), 'b');
    assert.equal(extractKey({ ...all, authorization: undefined }, '?key=q'), 'x');
    assert.equal(extractKey({ 'x-goog-api-key': 'g' }, 'key=q'), 'g');
    assert.equal(extractKey({}, '?alt=sse&key=q'), 'q');
    assert.equal(extractKey({}, new URLSearchParams('key=p')), 'p');
    assert.equal(extractKey({}), undefined);
    assert.equal(extractKey({ authorization: 'bearer   spaced  ' }), 'spaced');
    assert.equal(extractKey({ authorization: 'Basic abc', 'x-api-key': 'x' }), 'x', 'non-Bearer authorization is skipped');
    assert.equal(extractKey({ authorization: 'Bearer ', 'x-api-key': '  ' }, '?key='), undefined);
    assert.equal(extractKey({ 'x-api-key': ['first', 'second'] }), 'first');
  });
});

describe('policy/auth-mode', () => {
  it('recognises loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]', 'dev.localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '192.168.0.1', 'localhost.example', '127.0.0.256', 'example.com']) assert.ok(!isLoopbackHost(h), h);
  });

  it('decides when a key is required', () => {
    const lo = { boundHost: '127.0.0.1' };
    const lan = { boundHost: '0.0.0.0' };
    assert.equal(keyRequired('all_except_health', { ...lo, health: false }), true);
    assert.equal(keyRequired('all_except_health', { ...lo, health: true }), false);
    assert.equal(keyRequired('all', { ...lo, health: true }), true);
    assert.equal(keyRequired('auto', { ...lo, health: false }), false);
    assert.equal(keyRequired('auto', { ...lan, health: false }), true);
    assert.equal(keyRequired('auto', { ...lan, health: true }), false);
    assert.equal(keyRequired('off', { ...lan, health: false }), false);
  });

  it('refuses authMode off unless bound to loopback', () => {
    assert.doesNotThrow(() => assertAuthModeAllowed({ authMode: 'off', host: '127.0.0.1' }));
    assert.doesNotThrow(() => assertAuthModeAllowed({ authMode: 'off', host: 'localhost' }));
    assert.doesNotThrow(() => assertAuthModeAllowed({ authMode: 'auto', host: '0.0.0.0' }));
    assert.throws(() => assertAuthModeAllowed({ authMode: 'off', host: '0.0.0.0' }), /authMode "off" is only allowed/);
  });
});

describe('policy/model-glob', () => {
  it('matches model ids with * crossing / and ignoring case', () => {
    const m = compileModelGlobs(['claude-*', 'openrouter/*', '{o3,o4-mini}', 'gpt-?o']);
    for (const id of ['claude-3-5-sonnet', 'Claude-Opus-4', 'openrouter/anthropic/claude', 'o3', 'o4-mini', 'gpt-4o']) assert.ok(m(id), id);
    for (const id of ['anthropic/claude-3', 'gpt-4o-mini', 'o3-pro', 'openrouter']) assert.ok(!m(id), id);
    assert.ok(compileModelGlobs(['*'])('a/b/.c'));
    assert.ok(compileModelGlobs(['*/claude-*'])('anthropic/claude-3'));
    assert.ok(!compileModelGlobs([])('x'));
    assert.ok(compileModelGlobs(['a*'])('a\\b'), 'backslash is an ordinary character on every OS');
  });

  it('allow empty means all; deny wins', () => {
    assert.ok(modelAllowed('x', undefined, undefined));
    assert.ok(modelAllowed('x', [], []));
    assert.ok(!modelAllowed('gpt-4o', ['*'], ['gpt-*']));
    assert.ok(!modelAllowed('gpt-4o', ['claude-*'], undefined));
  });
});
