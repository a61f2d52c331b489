/** The PanelState the harness host starts from (typed against the real protocol). */
import type { PanelState } from '../../../src/shared/webview-protocol';

/** A realistic state: two providers, one gateway key, two mapping rules that overlap, a week of usage. */
export function fixtureState(lang: PanelState['lang']): PanelState {
  const days = ['2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06', '2025-06-07'];
  return {
    lang,
    gateway: { running: true, port: 4848, baseUrl: 'http://127.0.0.1:4848', inFlight: 2, todayTokens: 48210 },
    providers: [
      {
        id: 'openai', type: 'openai', baseUrl: '', headers: {}, models: ['gpt-4o', 'gpt-4o-mini'], enabled: true,
        keys: [{ keyId: 'k1', label: 'personal', hint: '…9zQx', status: 'ok' }],
      },
      {
        id: 'anthropic', type: 'anthropic', baseUrl: 'https://api.anthropic.com', headers: { 'anthropic-beta': 'tools-2024' },
        models: ['claude-sonnet-4'], enabled: true,
        keys: [{ keyId: 'k1', label: 'team', hint: '…Lm3p', status: 'cooling', cooldownUntil: Date.UTC(2025, 5, 7, 12), lastError: '429 rate limited' }],
      },
    ],
    gatewayKeys: [{
      id: 'gk1', name: 'default', hint: '…d00d', status: 'active', models: [], denyModels: [], limits: {},
      usage: { requests: 120, inputTokens: 90000, outputTokens: 21000 }, createdAt: '2025-06-01T09:00:00Z', lastUsedAt: '2025-06-07T10:00:00Z',
    }],
    mappings: [
      { from: 'gpt-*', to: ['openai/gpt-4o-mini'] },
      { from: 'gpt-4o', to: ['anthropic/claude-sonnet-4', 'openai/gpt-4o'] },
    ],
    usage: {
      days: days.map((day, i) => ({ day, requests: 10 + i * 3, inputTokens: 4000 + i * 1500, outputTokens: 1200 + i * 400, errors: i % 3 === 0 ? 1 : 0 })),
      byModel: [
        { name: 'gpt-4o', requests: 60, inputTokens: 40000, outputTokens: 9000 },
        { name: 'claude-sonnet-4', requests: 40, inputTokens: 35000, outputTokens: 10000 },
        { name: 'gpt-4o-mini', requests: 20, inputTokens: 15000, outputTokens: 2000 },
      ],
      byKey: [{ name: 'default', requests: 120, inputTokens: 90000, outputTokens: 21000 }],
      recent: [
        { time: '2025-06-07T10:00:00Z', keyName: 'default', model: 'gpt-4o', mappedModel: 'claude-sonnet-4', provider: 'anthropic', status: 200, inputTokens: 812, outputTokens: 150, latencyMs: 930 },
        { time: '2025-06-07T10:01:00Z', keyName: 'default', model: 'gpt-4o-mini', mappedModel: 'gpt-4o-mini', provider: 'openai', status: 429, inputTokens: 0, outputTokens: 0, latencyMs: 120 },
        { time: '2025-06-07T10:02:00Z', keyName: 'default', model: 'gpt-4o', mappedModel: 'claude-sonnet-4', provider: 'anthropic', status: 200, inputTokens: 1024, outputTokens: 330, latencyMs: 1410 },
      ],
    },
    setups: [
      { client: 'codex', title: 'Codex CLI', text: '[model_providers.switchboard]\nbase_url = "http://127.0.0.1:4848/v1"\nenv_key = "SWITCHBOARD_KEY"' },
      { client: 'claude-code', title: 'Claude Code', text: 'ANTHROPIC_BASE_URL=http://127.0.0.1:4848\nANTHROPIC_AUTH_TOKEN=$SWITCHBOARD_KEY' },
    ],
    inspector: {
      enabled: false,
      entries: [{ id: 'r1', time: '2025-06-07T10:02:00Z', model: 'gpt-4o', status: 200, inbound: '{"model":"gpt-4o"}', upstream: '{"model":"claude-sonnet-4"}', response: '{"id":"msg_1"}' }],
    },
  };
}
