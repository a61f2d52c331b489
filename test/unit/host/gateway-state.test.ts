import assert from 'node:assert/strict';
import { describeStartError, formatOnly, statusView } from '../../../src/host/gateway-state';

describe('host/gateway-state', () => {
  it('running: radio tower, port, URL and in-flight count in the tooltip', () => {
    const v = statusView({ kind: 'running', port: 4848, baseUrl: 'http://127.0.0.1:4848', inFlight: 2 });
    assert.equal(v.text, '$(radio-tower) Switchboard :4848 $(pulse) 2');
    assert.equal(statusView({ kind: 'running', port: 4848, baseUrl: 'http://127.0.0.1:4848', inFlight: 0 }).text, '$(radio-tower) Switchboard :4848');
    assert.match(v.tooltip, /http:\/\/127\.0\.0\.1:4848/);
    assert.match(v.tooltip, /2 request\(s\) in flight/);
    assert.equal(v.severity, 'normal');
  });

  it('rich tooltip: today\'s tokens, the upstream route, command links; no provider → warning with Add Provider', () => {
    const v = statusView({ kind: 'running', port: 1, baseUrl: 'http://127.0.0.1:1', inFlight: 0 }, undefined, { today: { requests: 3, inputTokens: 12345, outputTokens: 678 }, providers: 0, route: 'direct' });
    assert.match(v.tooltip, /Today: 3 request\(s\), 12k input \/ 678 output tokens/);
    assert.match(v.tooltip, /Upstream connections: direct/);
    assert.equal(v.severity, 'warning');
    assert.match(v.markdown, /\[Add Provider…\]\(command:switchboard\.addProvider\)/);
    assert.match(v.markdown, /command:switchboard\.copyCodexSetup/);
    const err = statusView({ kind: 'error', message: 'bad *config*', code: 'EINVALIDCONFIG' });
    assert.match(err.markdown, /bad \\\*config\\\*/, 'error text is markdown-escaped');
    for (const c of ['showLogs', 'openSettings', 'restart']) assert.ok(err.markdown.includes(`command:switchboard.${c}`), c);
  });

  it('stopped, starting, external and error states', () => {
    assert.equal(statusView({ kind: 'stopped' }).text, '$(circle-slash) Switchboard stopped');
    assert.match(statusView({ kind: 'starting' }).text, /^\$\(sync~spin\)/);
    const ext = statusView({ kind: 'external', port: 4848, baseUrl: 'http://127.0.0.1:4848' });
    assert.match(ext.text, /^\$\(radio-tower\) Switchboard :4848/);
    assert.match(ext.tooltip, /another Switchboard/);
    const err = statusView({ kind: 'error', message: 'Port 4848 on 127.0.0.1 is already in use.', code: 'EADDRINUSE' });
    assert.equal(err.text, '$(error) Switchboard error');
    assert.match(err.tooltip, /Port 4848 on 127\.0\.0\.1 is already in use/);
    assert.equal(err.severity, 'error');
  });

  it('uses the translator for every user-facing word', () => {
    const seen: string[] = [];
    const t = (m: string, ...a: Array<string | number>): string => { seen.push(m); return formatOnly(`<${m}>`, ...a); };
    const v = statusView({ kind: 'stopped' }, t);
    assert.equal(v.text, '$(circle-slash) <Switchboard stopped>');
    assert.ok(seen.includes('Click for actions'));
  });

  it('formatOnly fills numbered placeholders and keeps unknown ones', () => {
    assert.equal(formatOnly('{0} and {1}, {0}; {2}', 'a', 3), 'a and 3, a; {2}');
  });

  it('describeStartError explains EADDRINUSE with the port and host', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4848'), { code: 'EADDRINUSE' });
    const d = describeStartError(err, '127.0.0.1', 4848);
    assert.equal(d.code, 'EADDRINUSE');
    assert.match(d.message, /Port 4848 on 127\.0\.0\.1 is already in use/);
    assert.match(d.message, /switchboard\.port/);
  });

  it('describeStartError passes other errors through', () => {
    assert.deepEqual(describeStartError(new Error('boom'), 'h', 1), { code: undefined, message: 'boom' });
    assert.equal(describeStartError('plain', 'h', 1).message, 'plain');
    assert.equal(describeStartError(Object.assign(new Error('x'), { code: 'EACCES' }), '127.0.0.1', 80).code, 'EACCES');
  });
});
