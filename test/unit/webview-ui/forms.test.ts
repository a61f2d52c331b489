import assert from 'node:assert/strict';
import { moveRule, optionalInt, parseHeaders, splitList } from '../../../webview-ui/forms';
import { langFromTag, strings } from '../../../webview-ui/i18n';

describe('webview-ui form helpers', () => {
  it('moveRule swaps neighbours and ignores moves off either end', () => {
    assert.deepEqual(moveRule(['a', 'b', 'c'], 1, -1), ['b', 'a', 'c']);
    assert.deepEqual(moveRule(['a', 'b', 'c'], 1, 1), ['a', 'c', 'b']);
    assert.deepEqual(moveRule(['a', 'b'], 0, -1), ['a', 'b']);
    assert.deepEqual(moveRule(['a', 'b'], 1, 1), ['a', 'b']);
    const src = ['a', 'b'];
    moveRule(src, 0, 1);
    assert.deepEqual(src, ['a', 'b'], 'input not mutated');
  });

  it('splitList, optionalInt and parseHeaders parse what the forms collect', () => {
    assert.deepEqual(splitList(' gpt-*, claude-* ,\n,o3 '), ['gpt-*', 'claude-*', 'o3']);
    assert.equal(optionalInt(''), undefined);
    assert.equal(optionalInt(' 60 '), 60);
    assert.equal(optionalInt('1.5'), undefined);
    assert.equal(optionalInt('-3'), undefined);
    assert.deepEqual(parseHeaders('X-Org: acme\nbad line\n: novalue\nX-Url: http://a:1'), { 'X-Org': 'acme', 'X-Url': 'http://a:1' });
  });

  it('has every string in both languages and maps document lang tags', () => {
    const shape = (o: unknown): string[] => Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? shape(v).map((s) => `${k}.${s}`) : [`${k}:${Array.isArray(v) ? v.length : typeof v}`]);
    assert.deepEqual(shape(strings('zh-cn')), shape(strings('en')));
    assert.equal(strings('zh-cn').tabs.providers, '服务商');
    assert.equal(langFromTag('zh-CN'), 'zh-cn');
    assert.equal(langFromTag('en-US'), 'en');
    assert.equal(langFromTag(undefined), 'en');
  });
});
