import assert from 'node:assert/strict';
import { checkContentType, checkHost, checkOrigin, parseHostHeader } from '../../../src/gateway/policy/browser-guard';

describe('policy/browser-guard', () => {
  const refusedWith403 = (e: ReturnType<typeof checkOrigin>) => {
    assert.ok(e, 'expected a refusal');
    assert.equal(e.status, 403);
    assert.equal(e.code, 'forbidden_origin');
  };

  it('checkOrigin: absent passes, allow-listed passes, anything else is refused', () => {
    assert.equal(checkOrigin(undefined, []), undefined);
    refusedWith403(checkOrigin('https://evil.example', []));
    refusedWith403(checkOrigin('null', []));
    refusedWith403(checkOrigin('http://localhost:3000', []));
    refusedWith403(checkOrigin('https://app.example.evil', ['https://app.example']));
    assert.equal(checkOrigin('https://App.Example', ['https://app.example/']), undefined);
    assert.equal(checkOrigin('https://anything.example', ['*']), undefined);
    refusedWith403(checkOrigin('https://app.example:8443', ['https://app.example']));
  });

  it('checkHost: loopback names, IP literals, the bound host and allowed hosts pass', () => {
    const opts = { boundHost: '127.0.0.1', allowedHosts: ['gateway.lan', 'box.internal:9000'] };
    for (const h of ['localhost', 'localhost:4848', 'LOCALHOST.', '127.0.0.1:4848', '127.3.2.1', '[::1]:4848', '[::1]',
      'foo.localhost:4848', '192.168.1.20:4848', '[fe80::1]', 'gateway.lan', 'gateway.lan:1234', 'box.internal:9000']) {
      assert.equal(checkHost(h, opts), undefined, h);
    }
    for (const h of ['evil.example', 'evil.example:4848', 'localhost.evil.example', 'box.internal:9001', 'box.internal',
      '127.0.0.1.nip.io', 'a b', '', 'user@localhost']) {
      refusedWith403(checkHost(h, opts));
    }
    assert.equal(checkHost(undefined, opts), undefined, 'no Host: not a browser');
    assert.equal(checkHost('myhost.lan:4848', { boundHost: 'myhost.lan', allowedHosts: [] }), undefined);
  });

  it('parseHostHeader splits host and port', () => {
    assert.deepEqual(parseHostHeader('[::1]:80'), { host: '::1', port: '80' });
    assert.deepEqual(parseHostHeader('Example.COM'), { host: 'example.com', port: undefined });
    assert.equal(parseHostHeader('[::1'), undefined);
  });

  it('checkContentType: POST must be JSON, other methods pass', () => {
    for (const ct of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) {
      assert.equal(checkContentType('POST', ct), undefined, ct);
    }
    for (const ct of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/jsonp', 'text/json']) {
      refusedWith403(checkContentType('post', ct));
    }
    assert.equal(checkContentType('GET', undefined), undefined);
    assert.equal(checkContentType('OPTIONS', 'text/plain'), undefined);
  });
});
