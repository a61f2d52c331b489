import assert from 'node:assert/strict';
import { DEFAULT_PORT } from '../../../src/gateway/config';
import { buildGatewayConfig, isLoopbackHost, readHostSettings, toConfigInput } from '../../../src/host/config-mapping';

const getter = (o: Record<string, unknown>) => (k: string): unknown => o[k];

describe('host/config-mapping', () => {
  it('defaults: 127.0.0.1:4848, keys required except health, auto-start on', () => {
    const { settings, errors } = readHostSettings(getter({}));
    assert.deepEqual(errors, []);
    assert.equal(settings.port, DEFAULT_PORT);
    assert.equal(settings.host, '127.0.0.1');
    assert.equal(settings.authMode, 'all_except_health');
    assert.equal(settings.autoStart, true);
    assert.equal(settings.logLevel, 'info');
    assert.deepEqual(settings.providers, []);
  });

  it('maps settings + in-memory keys to a GatewayConfig', () => {
    const keys: Record<string, Array<{ label: string; key: string }>> = { oa: [{ label: 'primary', key: 'sk-secret-1' }] };
    const { config, errors } = buildGatewayConfig(getter({
      port: 0, host: '::1', authMode: 'all', logLevel: 'debug',
      providers: [
        { id: 'oa', type: 'openai', headers: { 'x-team': 'a' }, models: ['gpt-x', { id: 'gpt-y', contextWindow: 1000 }] },
        { id: 'local', type: 'openai-compatible', baseUrl: ' http://127.0.0.1:11434/v1 ', enabled: false },
      ],
      modelMappings: [{ from: 'claude-*', to: ['oa/gpt-x', 'local/*'] }],
      'routing.maxAttempts': 5, 'routing.cooldownMs': 1000,
    }), (id) => keys[id] ?? []);
    assert.deepEqual(errors, []);
    assert.ok(config);
    assert.deepEqual(config.server, { host: '::1', port: 0, authMode: 'all', allowedOrigins: [], allowedHosts: [], bodyLimit: config.server.bodyLimit });
    assert.deepEqual(config.providers, [
      { id: 'oa', type: 'openai', headers: { 'x-team': 'a' }, models: ['gpt-x', { id: 'gpt-y', contextWindow: 1000 }], keys: [{ label: 'primary', key: 'sk-secret-1' }] },
      { id: 'local', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', enabled: false, keys: [] },
    ]);
    assert.deepEqual(config.modelMappings, [{ from: 'claude-*', to: ['oa/gpt-x', 'local/*'] }]);
    assert.equal(config.routing.maxAttempts, 5);
    assert.equal(config.routing.cooldownMs, 1000);
    assert.equal(config.routing.deadlineMs, 120_000, 'unset routing fields keep their defaults');
    assert.equal(config.logLevel, 'debug');
  });

  it('never takes keys from settings, and says so', () => {
    const { config, errors } = buildGatewayConfig(getter({
      providers: [{ id: 'oa', type: 'openai', keys: ['sk-from-settings'], apiKey: 'sk-other' }],
    }), () => []);
    assert.deepEqual(config!.providers[0]!.keys, []);
    assert.equal(errors.length, 2);
    assert.ok(errors.every((e) => /SecretStorage/.test(e)));
    assert.ok(!JSON.stringify(errors).includes('sk-from-settings'), 'errors do not echo the value');
  });

  it('skips malformed providers and mappings with a message each', () => {
    const { settings, errors } = readHostSettings(getter({
      providers: [{ id: 'Bad Id', type: 'openai' }, { id: 'x', type: 'nope' }, 'str', { id: 'ok', type: 'gemini', headers: { a: 1 } }, { id: 'ok', type: 'openai' }],
      modelMappings: [{ from: 'a' }, { from: 'b', to: [] }, { from: 'c', to: 'ok/m' }],
      port: 70000, authMode: 'bogus', logLevel: 'loud',
    }));
    assert.deepEqual(settings.providers.map((p) => p.id), ['ok']);
    assert.equal(settings.providers[0]!.headers, undefined);
    assert.deepEqual(settings.modelMappings, [{ from: 'c', to: 'ok/m' }]);
    assert.equal(settings.port, DEFAULT_PORT);
    assert.equal(settings.authMode, 'all_except_health');
    assert.equal(settings.logLevel, 'info');
    for (const re of [/providers\[0\]\.id/, /providers\[1\]\.type/, /providers\[2\] must be an object/, /providers\[3\]\.headers/, /providers\[4\]\.id "ok" is a duplicate/,
      /modelMappings\[0\]/, /modelMappings\[1\]/, /switchboard\.port/]) {
      assert.ok(errors.some((e) => re.test(e)), `${re} in ${JSON.stringify(errors)}`);
    }
  });

  it('uses the injected validator and surfaces its errors', () => {
    const r = buildGatewayConfig(getter({}), () => [], () => ({ errors: ['server.port: bad'] }));
    assert.equal(r.config, undefined);
    assert.deepEqual(r.errors, ['server.port: bad']);
  });

  it('toConfigInput asks for keys per provider id', () => {
    const asked: string[] = [];
    const { settings } = readHostSettings(getter({ providers: [{ id: 'a', type: 'openai' }, { id: 'b', type: 'anthropic' }] }));
    toConfigInput(settings, (id) => { asked.push(id); return []; });
    assert.deepEqual(asked, ['a', 'b']);
  });

  it('refuses to serve beyond loopback without allowLan, and with authMode off/auto', () => {
    const get = (o: Record<string, unknown>) => (k: string): unknown => o[k];
    assert.ok(buildGatewayConfig(get({ host: '127.0.0.1' }), () => []).config);
    assert.ok(buildGatewayConfig(get({ host: '::1' }), () => []).config);
    const lan = buildGatewayConfig(get({ host: '0.0.0.0' }), () => []);
    assert.equal(lan.config, undefined);
    assert.match(lan.errors[0]!, /allowLan/);
    const off = buildGatewayConfig(get({ host: '192.168.1.5', allowLan: true, authMode: 'off' }), () => []);
    assert.equal(off.config, undefined);
    assert.match(off.errors[0]!, /authMode "off" is not allowed/);
    assert.ok(buildGatewayConfig(get({ host: '192.168.1.5', allowLan: true, authMode: 'all' }), () => []).config);
    assert.equal(isLoopbackHost('127.0.0.2'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
  });

  it('global timeouts apply to every provider', () => {
    const get = (k: string): unknown => ({ providers: [{ id: 'a', type: 'openai' }], 'timeouts.connectMs': 1234, 'timeouts.idleMs': 5000 } as Record<string, unknown>)[k];
    const { config } = buildGatewayConfig(get, () => []);
    assert.deepEqual(config!.providers[0]!.timeouts, { connectMs: 1234, idleMs: 5000 });
  });
});
