/** Usage tab: totals, tokens per day and per model (Chart.js), usage by key, and the live recent-requests table. */
import type { PanelLang, RecentRequest, UsageView } from '../../src/shared/webview-protocol';
import { h, table } from '../dom';
import { formatNumber, formatTime } from '../i18n';
import type { UiState } from '../state';
import { TokenChart } from './charts';
import type { View, ViewContext } from './types';

function recentRow(r: RecentRequest, lang: PanelLang): Array<string | HTMLElement> {
  return [
    formatTime(r.time, lang),
    r.keyName,
    r.model,
    r.mappedModel,
    r.provider,
    h('span', { class: `pill ${r.status < 400 ? 'ok' : 'bad'}` }, String(r.status)),
    formatNumber(r.inputTokens, lang),
    formatNumber(r.outputTokens, lang),
    `${formatNumber(r.latencyMs, lang)} ms`,
  ];
}

/** The usage tab, plus a hook to recolour charts when the theme changes. */
export interface UsageTab extends View {
  retheme(): void;
}

/** Creates the Usage tab. */
export function usageView(ctx: ViewContext): UsageTab {
  const { t, lang } = ctx;
  const totals = h('div', { class: 'totals' });
  const dayCanvas = h('canvas', { id: 'chart-days', role: 'img', 'aria-label': t.usage.perDay });
  const modelCanvas = h('canvas', { id: 'chart-models', role: 'img', 'aria-label': t.usage.perModel });
  const byKey = h('div', { class: 'by-key' });
  const recent = h('div', { class: 'recent' });
  const el = h('div', { class: 'tab-body usage' },
    totals,
    h('div', { class: 'charts' },
      h('section', { class: 'card chart-card' }, h('h3', {}, t.usage.perDay), h('div', { class: 'chart-box' }, dayCanvas)),
      h('section', { class: 'card chart-card' }, h('h3', {}, t.usage.perModel), h('div', { class: 'chart-box' }, modelCanvas)),
    ),
    h('section', { class: 'card' }, h('h3', {}, t.usage.byKey), byKey),
    h('section', { class: 'card' }, h('h3', {}, t.usage.recent), recent),
  );
  const dayChart = new TokenChart(dayCanvas, false);
  const modelChart = new TokenChart(modelCanvas, true);
  let last: UsageView | undefined;

  return {
    el,
    retheme() {
      dayChart.retheme();
      modelChart.retheme();
    },
    update(ui: UiState) {
      const u = ui.panel?.usage;
      if (!u || u === last) return;
      last = u;
      const sum = (k: 'requests' | 'inputTokens' | 'outputTokens' | 'errors'): number => u.days.reduce((n, d) => n + d[k], 0);
      totals.replaceChildren(...([
        [t.usage.requests, sum('requests')],
        [t.usage.inputTokens, sum('inputTokens')],
        [t.usage.outputTokens, sum('outputTokens')],
        [t.usage.errors, sum('errors')],
      ] as const).map(([label, n]) => h('div', { class: 'total card' }, h('div', { class: 'total-n' }, formatNumber(n, lang)), h('div', { class: 'muted' }, label))));
      const labels = { inputLabel: t.usage.inputTokens, outputLabel: t.usage.outputTokens };
      dayChart.set({ labels: u.days.map((d) => d.day), input: u.days.map((d) => d.inputTokens), output: u.days.map((d) => d.outputTokens), ...labels });
      modelChart.set({ labels: u.byModel.map((m) => m.name), input: u.byModel.map((m) => m.inputTokens), output: u.byModel.map((m) => m.outputTokens), ...labels });
      byKey.replaceChildren(u.byKey.length
        ? table('key-usage', t.usage.keyCols, u.byKey.map((k) => [k.name, formatNumber(k.requests, lang), formatNumber(k.inputTokens, lang), formatNumber(k.outputTokens, lang)]))
        : h('p', { class: 'muted empty' }, t.usage.noData));
      recent.replaceChildren(u.recent.length
        ? table('recent-table', t.usage.recentCols, [...u.recent].reverse().map((r) => recentRow(r, lang)))
        : h('p', { class: 'muted empty' }, t.usage.noData));
    },
  };
}
