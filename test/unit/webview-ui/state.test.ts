import assert from 'node:assert/strict';
import type { PanelState, RecentRequest, ToWebview } from '../../../src/shared/webview-protocol';
import { NOTICE_LIMIT, RECENT_LIMIT, initialState, persistable, reduce, type UiState } from '../../../webview-ui/state';

function panel(over: Partial<PanelState> = {}): PanelState {
  return {
    lang: 'en',
    gateway: { running: false, inFlight: 0, todayTokens: 0 },
    providers: [{ id: 'openai', type: 'openai', baseUrl: '', headers: {}, models: [], enabled: true, keys: [] }],
    gatewayKeys: [],
    mappings: [],
    usage: { days: [{ day: '2025-06-07', requests: 1, inputTokens: 10, outputTokens: 5, errors: 0 }], byModel: [], byKey: [], recent: [] },
    setups: [],
    inspector: { enabled: false, entries: [] },
    ...over,
  };
}

function record(over: Partial<RecentRequest> = {}): RecentRequest {
  return { time: '2025-06-07T10:00:00Z', keyName: 'k', model: 'm', mappedModel: 'm', provider: 'openai', status: 200, inputTokens: 3, outputTokens: 4, latencyMs: 9, ...over };
}

const run = (s: UiState, ...actions: Array<Parameters<typeof reduce>[1]>): UiState => actions.reduce(reduce, s);

describe('webview-ui state reducer', () => {
  it('starts on the providers tab and restores only a valid persisted tab', () => {
    assert.equal(initialState().tab, 'providers');
    assert.equal(initialState({ tab: 'usage' }).tab, 'usage');
    assert.equal(initialState({ tab: 'nonsense' }).tab, 'providers');
    assert.equal(initialState({ tab: 42 }).tab, 'providers');
  });

  it('state/changed replaces the panel state without mutating the previous state', () => {
    const s0 = initialState();
    const p = panel();
    const s1 = reduce(s0, { type: 'state/changed', state: p });
    assert.equal(s1.panel, p);
    assert.equal(s0.panel, undefined);
  });

  it('keeps a created gateway key in memory only: persistable() never includes it', () => {
    const s = run(initialState(), { type: 'state/changed', state: panel() }, { type: 'gatewayKey/created', id: 'gk2', key: 'sb-plaintext-1234' }, { type: 'ui/tab', tab: 'gatewayKeys' });
    assert.deepEqual(s.createdKey, { id: 'gk2', key: 'sb-plaintext-1234' });
    assert.deepEqual(persistable(s), { tab: 'gatewayKeys' });
    assert.ok(!JSON.stringify(persistable(s)).includes('plaintext'));
    assert.equal(reduce(s, { type: 'ui/dismissCreatedKey' }).createdKey, undefined);
  });

  it('a later state/changed does not resurrect or drop the created key', () => {
    const s = run(initialState(), { type: 'gatewayKey/created', id: 'gk2', key: 'x' }, { type: 'state/changed', state: panel() });
    assert.equal(s.createdKey?.key, 'x');
  });

  it('usage/record appends to recent (capped) and folds into the day totals', () => {
    let s = reduce(initialState(), { type: 'state/changed', state: panel() });
    s = reduce(s, { type: 'usage/record', record: record({ status: 500 }) });
    assert.equal(s.panel?.usage.recent.length, 1);
    assert.deepEqual(s.panel?.usage.days, [{ day: '2025-06-07', requests: 2, inputTokens: 13, outputTokens: 9, errors: 1 }]);
    s = reduce(s, { type: 'usage/record', record: record({ time: '2025-06-08T00:00:01Z' }) });
    assert.deepEqual(s.panel?.usage.days.map((d) => d.day), ['2025-06-07', '2025-06-08']);
    for (let i = 0; i < RECENT_LIMIT + 10; i++) s = reduce(s, { type: 'usage/record', record: record({ latencyMs: i }) });
    assert.equal(s.panel?.usage.recent.length, RECENT_LIMIT);
    assert.equal(s.panel?.usage.recent.at(-1)?.latencyMs, RECENT_LIMIT + 9, 'newest kept');
  });

  it('usage/record before any state is ignored', () => {
    const s0 = initialState();
    assert.equal(reduce(s0, { type: 'usage/record', record: record() }), s0);
  });

  it('records mapping/tried and provider/tested, dropping test results of removed providers', () => {
    let s = run(initialState(),
      { type: 'state/changed', state: panel() },
      { type: 'mapping/tried', model: 'gpt-4o', result: { targets: [{ providerId: 'openai', model: 'gpt-4o' }] } },
      { type: 'provider/tested', id: 'openai', ok: false, message: '401' });
    assert.equal(s.tried?.model, 'gpt-4o');
    assert.deepEqual(s.tested.openai, { ok: false, message: '401', latencyMs: undefined });
    s = reduce(s, { type: 'state/changed', state: panel({ providers: [] }) });
    assert.deepEqual(s.tested, {});
  });

  it('notices get ids, are capped, and can be dismissed one by one', () => {
    const notices: ToWebview[] = Array.from({ length: NOTICE_LIMIT + 2 }, (_, i) => ({ type: 'notice', level: 'info', text: `n${i}` }));
    let s = run(initialState(), ...notices);
    assert.equal(s.notices.length, NOTICE_LIMIT);
    assert.equal(s.notices[0]?.text, 'n2');
    const id = s.notices[1]?.id ?? -1;
    s = reduce(s, { type: 'ui/dismissNotice', id });
    assert.equal(s.notices.length, NOTICE_LIMIT - 1);
    assert.ok(!s.notices.some((n) => n.id === id));
  });
});
