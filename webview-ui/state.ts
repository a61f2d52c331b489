/** The panel's UI state and its pure reducer (no DOM; unit-tested in plain Node). */
import type { MappingTryResult, PanelState, RecentRequest, ToWebview } from '../src/shared/webview-protocol';
import { assertNever } from '../src/shared/webview-protocol';

/** Tabs, in display order. */
export const TAB_IDS = ['providers', 'gatewayKeys', 'mappings', 'usage', 'setup', 'inspector'] as const;
/** One of {@link TAB_IDS}. */
export type TabId = (typeof TAB_IDS)[number];

/** How many recent requests the live table keeps. */
export const RECENT_LIMIT = 200;
/** How many notices stay on screen. */
export const NOTICE_LIMIT = 5;

/** A notice banner. */
export interface Notice { id: number; level: 'info' | 'warning' | 'error'; text: string }

/** Everything the webview renders. `createdKey` is transient and never persisted. */
export interface UiState {
  /** Absent until the host's first `state/changed`. */
  panel?: PanelState;
  tab: TabId;
  /** Plaintext of a just-created gateway key, until the user dismisses it. */
  createdKey?: { id: string; key: string };
  tried?: { model: string; result: MappingTryResult };
  tested: Record<string, { ok: boolean; message: string; latencyMs?: number }>;
  notices: Notice[];
  nextNoticeId: number;
}

/** The only part of {@link UiState} written to `vscode.setState`: no secrets, no host data. */
export interface PersistedUi { tab: TabId }

/** Actions the UI itself raises (tab clicks, dismissals). */
export type UiAction =
  | { type: 'ui/tab'; tab: TabId }
  | { type: 'ui/dismissCreatedKey' }
  | { type: 'ui/dismissNotice'; id: number };

/** Anything the reducer accepts. */
export type Action = ToWebview | UiAction;

/** True when `value` names a tab (guards persisted state, which may come from an older version). */
export function isTabId(value: unknown): value is TabId {
  return typeof value === 'string' && (TAB_IDS as readonly string[]).includes(value);
}

/** The starting state, optionally restoring the persisted tab. */
export function initialState(persisted?: { tab?: unknown }): UiState {
  return { tab: isTabId(persisted?.tab) ? persisted.tab : 'providers', tested: {}, notices: [], nextNoticeId: 1 };
}

/** What to persist: only the selected tab. */
export function persistable(state: UiState): PersistedUi {
  return { tab: state.tab };
}

function addNotice(state: UiState, level: Notice['level'], text: string): UiState {
  const notices = [...state.notices, { id: state.nextNoticeId, level, text }].slice(-NOTICE_LIMIT);
  return { ...state, notices, nextNoticeId: state.nextNoticeId + 1 };
}

/** Appends a live request to `recent` (capped) and folds it into its day's totals. */
function addRecord(panel: PanelState, record: RecentRequest): PanelState {
  const recent = [...panel.usage.recent, record].slice(-RECENT_LIMIT);
  const day = record.time.slice(0, 10);
  const isError = record.status >= 400 ? 1 : 0;
  let found = false;
  const days = panel.usage.days.map((d) => {
    if (d.day !== day) return d;
    found = true;
    return {
      ...d,
      requests: d.requests + 1,
      inputTokens: d.inputTokens + record.inputTokens,
      outputTokens: d.outputTokens + record.outputTokens,
      errors: d.errors + isError,
    };
  });
  if (!found) {
    days.push({ day, requests: 1, inputTokens: record.inputTokens, outputTokens: record.outputTokens, errors: isError });
  }
  return { ...panel, usage: { ...panel.usage, recent, days } };
}

/** Pure reducer: host messages and UI actions → next state. */
export function reduce(state: UiState, action: Action): UiState {
  switch (action.type) {
    case 'state/changed': {
      // Drop test results for providers that no longer exist.
      const ids = new Set(action.state.providers.map((p) => p.id));
      const tested = Object.fromEntries(Object.entries(state.tested).filter(([id]) => ids.has(id)));
      return { ...state, panel: action.state, tested };
    }
    case 'gatewayKey/created':
      return { ...state, createdKey: { id: action.id, key: action.key } };
    case 'mapping/tried':
      return { ...state, tried: { model: action.model, result: action.result } };
    case 'provider/tested':
      return {
        ...state,
        tested: { ...state.tested, [action.id]: { ok: action.ok, message: action.message, latencyMs: action.latencyMs } },
      };
    case 'usage/record':
      return state.panel ? { ...state, panel: addRecord(state.panel, action.record) } : state;
    case 'notice':
      return addNotice(state, action.level, action.text);
    case 'ui/tab':
      return { ...state, tab: action.tab };
    case 'ui/dismissCreatedKey':
      return { ...state, createdKey: undefined };
    case 'ui/dismissNotice':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    default:
      return assertNever(action);
  }
}
