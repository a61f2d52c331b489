import assert from 'node:assert/strict';
import type { InspectorEntry } from '../../../src/gateway/inspector/inspector';
import type { GatewayKeyRecord, UsageRecord } from '../../../src/gateway/policy/types';
import type { UsageSummary } from '../../../src/gateway/usage/usage-store';
import { buildPanelState, panelLang, recentRequest, type PanelStateInput } from '../../../src/host/panel/panel-state';
import { defaultSetupModel, KEY_PLACEHOLDER, panelSetups } from '../../../src/host/panel/setups';

// Sentinels: if any of these reaches the state, a secret leaked.
const PROVIDER_KEY = 'sk-SENTINEL-provider-0123456789abcdef';
const PROVIDER_KEY_2 = 'AIzaSENTINEL-second-provider-key-xyz';
const GATEWAY_KEY = 'sb-SENTINELgatewaykey0123456789abcdefghijklmn';
const NOW = Date.parse('2025-03-04T12:00:00Z');

const totals = (requests: number, inputTokens: number, outputTokens: number, errors = 0) =>
  ({ requests, countedRequests: requests, errors, inputTokens, outputTokens, cachedTokens: 0, cost: 0 });

function record(over: Partial<UsageRecord> = {}): UsageRecord {
  return { time: NOW - 1000, requestId: 'r1', endpoint: 'chat', protocol: 'openai', keyId: 'key_a', keyName: 'default', model: 'fast',
    mappedModel: 'gpt-4o-mini', provider: 'openai', status: 200, inputTokens: 10, outputTokens: 5, cachedTokens: 0, latencyMs: 42, stream: false, ...over };
}

function inputs(over: Partial<PanelStateInput> = {}): PanelStateInput {
  const gatewayKeys: GatewayKeyRecord[] = [
    { id: 'key_a', name: 'default', status: 'active', createdAt: NOW - 86_400_000, hint: 'klmn', rpm: 60, models: ['gpt-*'] },
    { id: 'key_b', name: 'ci', status: 'disabled', createdAt: NOW - 3_600_000, hint: 'wxyz', expiresAt: NOW + 86_400_000 },
  ];
  const summary: UsageSummary = {
    days: ['2025-03-03', '2025-03-04'], totals: totals(3, 30, 15, 1),
    byDay: { '2025-03-03': totals(1, 10, 5), '2025-03-04': totals(2, 20, 10, 1) },
    byModel: { fast: totals(2, 20, 10), smart: totals(1, 10, 5) },
    byKey: { key_a: totals(3, 30, 15) }, rows: [],
  };
  const inspected: InspectorEntry = {
    id: 'req_1', time: NOW, protocol: 'openai', model: 'fast',
    inbound: { method: 'POST', path: '/v1/chat/completions', headers: { authorization: '[redacted]', 'content-type': 'application/json' }, body: '{"model":"fast"}', truncated: false },
    upstream: { providerId: 'openai', url: 'https://api.openai.com/v1/chat/completions', headers: { authorization: '[redacted]' }, body: '{"model":"gpt-4o-mini"}', truncated: false },
    response: { status: 200, stream: false, headers: {}, body: '{"ok":true}', truncated: false },
  };
  return {
    gateway: { kind: 'running', port: 4848, baseUrl: 'http://127.0.0.1:4848', inFlight: 2 },
    todayTokens: 30, baseUrl: 'http://127.0.0.1:4848',
    providers: [
      { id: 'openai', type: 'openai', models: ['gpt-4o-mini', { id: 'gpt-4o' }] },
      { id: 'gem', type: 'gemini', baseUrl: 'http://127.0.0.1:9/v1beta', headers: { 'x-team': 'a' }, enabled: false },
    ],
    keyIndex: {
      openai: [{ keyId: 'k1', label: 'primary', hint: '…cdef' }, { keyId: 'k2', label: 'backup', hint: '…-xyz' }],
      gem: [],
    },
    keyStates: {
      openai: [
        { id: 'primary', label: 'primary', hint: '…cdef', status: 'cooling', cooldowns: [{ model: 'gpt-4o', until: NOW + 30_000 }], lastError: 'HTTP 429' },
        { id: 'backup', label: 'backup', hint: '…-xyz', status: 'invalid', cooldowns: [], lastError: 'HTTP 401' },
      ],
    },
    gatewayKeys,
    keyUsage: { key_a: { requests: 3, inputTokens: 30, outputTokens: 15 } },
    mappings: [{ from: 'fast', to: 'openai/gpt-4o-mini' }, { from: 'claude-*', to: ['openai/gpt-4o', 'gem/gemini-2.0-flash'] }],
    usage: { summary, recent: [record({ requestId: 'r2', time: NOW - 500 }), record()] },
    setups: panelSetups('http://127.0.0.1:4848', 'fast'),
    inspector: { enabled: true, entries: [inspected] },
    lang: 'en',
    now: NOW,
    ...over,
  };
}

describe('host/panel-state', () => {
  it('maps providers with their key index and live key states (no secrets)', () => {
    const s = buildPanelState(inputs());
    assert.deepEqual(s.providers[0], {
      id: 'openai', type: 'openai', baseUrl: '', headers: {}, models: ['gpt-4o-mini', 'gpt-4o'], enabled: true,
      keys: [
        { keyId: 'k1', label: 'primary', hint: '…cdef', status: 'cooling', cooldownUntil: NOW + 30_000, lastError: 'HTTP 429' },
        { keyId: 'k2', label: 'backup', hint: '…-xyz', status: 'invalid', lastError: 'HTTP 401' },
      ],
    });
    assert.equal(s.providers[1]!.enabled, false);
    assert.equal(s.providers[1]!.baseUrl, 'http://127.0.0.1:9/v1beta');
    assert.deepEqual(s.providers[1]!.headers, { 'x-team': 'a' });
  });

  it('a cooldown in the past shows as ok', () => {
    const s = buildPanelState(inputs({ now: NOW + 60_000 }));
    assert.equal(s.providers[0]!.keys[0]!.status, 'ok');
    assert.equal(s.providers[0]!.keys[0]!.cooldownUntil, undefined);
  });

  it('maps gateway keys with limits, usage, ISO times and an ellipsis hint', () => {
    const s = buildPanelState(inputs());
    assert.deepEqual(s.gatewayKeys[0], {
      id: 'key_a', name: 'default', hint: '…klmn', status: 'active', models: ['gpt-*'], denyModels: [], limits: { rpm: 60 },
      usage: { requests: 3, inputTokens: 30, outputTokens: 15 }, createdAt: new Date(NOW - 86_400_000).toISOString(),
    });
    assert.equal(s.gatewayKeys[1]!.status, 'disabled');
    assert.equal(s.gatewayKeys[1]!.expiresAt, new Date(NOW + 86_400_000).toISOString());
    assert.deepEqual(s.gatewayKeys[1]!.usage, { requests: 0, inputTokens: 0, outputTokens: 0 });
  });

  it('mappings always have a list of targets', () => {
    assert.deepEqual(buildPanelState(inputs()).mappings, [
      { from: 'fast', to: ['openai/gpt-4o-mini'] }, { from: 'claude-*', to: ['openai/gpt-4o', 'gem/gemini-2.0-flash'] },
    ]);
  });

  it('usage: days in order, groups by requests, key ids named, recent newest last', () => {
    const u = buildPanelState(inputs()).usage;
    assert.deepEqual(u.days.map((d) => [d.day, d.requests, d.errors]), [['2025-03-03', 1, 0], ['2025-03-04', 2, 1]]);
    assert.deepEqual(u.byModel.map((g) => g.name), ['fast', 'smart']);
    assert.deepEqual(u.byKey, [{ name: 'default', requests: 3, inputTokens: 30, outputTokens: 15 }]);
    assert.deepEqual(u.recent.map((r) => r.time), [new Date(NOW - 1000).toISOString(), new Date(NOW - 500).toISOString()]);
    assert.deepEqual(recentRequest(record({ keyName: undefined, mappedModel: undefined, provider: undefined })), {
      time: new Date(NOW - 1000).toISOString(), keyName: '-', model: 'fast', mappedModel: 'fast', provider: '-', status: 200, inputTokens: 10, outputTokens: 5, latencyMs: 42,
    });
  });

  it('without a running gateway: stopped status, empty usage and inspector', () => {
    const s = buildPanelState(inputs({ gateway: { kind: 'stopped' }, usage: undefined, inspector: { enabled: false, entries: [] } }));
    assert.deepEqual(s.gateway, { running: false, inFlight: 0, todayTokens: 0 });
    assert.deepEqual(s.usage, { days: [], byModel: [], byKey: [], recent: [] });
    assert.deepEqual(s.inspector, { enabled: false, entries: [] });
    const err = buildPanelState(inputs({ gateway: { kind: 'error', message: 'Port 4848 is in use', code: 'EADDRINUSE' } }));
    assert.equal(err.gateway.error, 'Port 4848 is in use');
    const ext = buildPanelState(inputs({ gateway: { kind: 'external', port: 4848, baseUrl: 'http://127.0.0.1:4848' } }));
    assert.equal(ext.gateway.running, false);
    assert.match(ext.gateway.error ?? '', /another Switchboard/);
  });

  it('gateway status while running', () => {
    assert.deepEqual(buildPanelState(inputs()).gateway, { running: true, port: 4848, baseUrl: 'http://127.0.0.1:4848', inFlight: 2, todayTokens: 30 });
  });

  it('inspector entries become readable texts', () => {
    const e = buildPanelState(inputs()).inspector.entries[0]!;
    assert.equal(e.status, 200);
    assert.match(e.inbound, /^POST \/v1\/chat\/completions\nauthorization: \[redacted\]\ncontent-type: application\/json\n\n\{"model":"fast"\}$/);
    assert.match(e.upstream, /^POST https:\/\/api\.openai\.com\/v1\/chat\/completions \(openai\)/);
    assert.match(e.response, /^200\n/);
  });

  it('setups carry a placeholder, never a key, and name the default model', () => {
    const s = buildPanelState(inputs());
    assert.deepEqual(s.setups.map((x) => x.client), ['codex', 'claude-code', 'kilo-code']);
    for (const x of s.setups) assert.ok(x.text.includes(KEY_PLACEHOLDER), x.title);
    assert.ok(s.setups[0]!.text.includes('model = "fast"'));
    assert.equal(defaultSetupModel([{ from: 'claude-*', to: 'a/b' }], [{ id: 'o', type: 'openai', models: ['m1'] }]), 'o/m1');
    assert.equal(defaultSetupModel([], []), 'gpt-4o');
  });

  it('no secret anywhere in the state, whatever the inputs hold', () => {
    // Plant the secrets everywhere an input could carry them by mistake: extra fields on records and entries.
    const base = inputs();
    const planted = inputs({
      providers: base.providers.map((p) => ({ ...p, keys: [PROVIDER_KEY], apiKey: PROVIDER_KEY_2 } as typeof p)),
      keyIndex: { openai: base.keyIndex.openai!.map((e) => ({ ...e, secret: PROVIDER_KEY } as typeof e)) },
      keyStates: { openai: base.keyStates.openai!.map((k) => ({ ...k, secret: PROVIDER_KEY_2 } as typeof k)) },
      gatewayKeys: base.gatewayKeys.map((k) => ({ ...k, key: GATEWAY_KEY, hash: GATEWAY_KEY } as typeof k)),
      usage: { summary: base.usage!.summary, recent: [{ ...record(), upstreamKey: PROVIDER_KEY, authorization: GATEWAY_KEY } as UsageRecord] },
    });
    const json = JSON.stringify(buildPanelState(planted));
    for (const secret of [PROVIDER_KEY, PROVIDER_KEY_2, GATEWAY_KEY]) assert.ok(!json.includes(secret), `leaked ${secret.slice(0, 12)}`);
    assert.ok(json.includes('…cdef') && json.includes('…klmn'), 'hints are there');
  });

  it('scrubs inspector texts and upstream errors with the host redactor', () => {
    const base = inputs();
    const entry = { ...base.inspector.entries[0]!, inbound: { ...base.inspector.entries[0]!.inbound, body: `{"note":"${PROVIDER_KEY}"}` } };
    const scrub = (t: string): string => t.split(PROVIDER_KEY).join('[REDACTED]');
    const s = buildPanelState(inputs({
      inspector: { enabled: true, entries: [entry] },
      keyStates: { openai: [{ ...base.keyStates.openai![0]!, lastError: `bad key ${PROVIDER_KEY}` }] },
      scrub,
    }));
    const json = JSON.stringify(s);
    assert.ok(!json.includes(PROVIDER_KEY));
    assert.ok(s.inspector.entries[0]!.inbound.includes('[REDACTED]'));
    assert.equal(s.providers[0]!.keys[0]!.lastError, 'bad key [REDACTED]');
  });

  it('picks the language from vscode.env.language', () => {
    assert.equal(panelLang('zh-cn'), 'zh-cn');
    assert.equal(panelLang('zh-Hans'), 'zh-cn');
    assert.equal(panelLang('zh-tw'), 'en');
    assert.equal(panelLang('en-us'), 'en');
    assert.equal(panelLang('de'), 'en');
  });
});
