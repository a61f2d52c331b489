/** The header line: gateway running state, in-flight count, today's tokens, start/stop. */
import { button, h } from '../dom';
import { formatNumber } from '../i18n';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

/** Creates the gateway status header. */
export function gatewayStatusView(ctx: ViewContext): View {
  const { t } = ctx;
  const text = h('span', { class: 'status-text', role: 'status' });
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  const error = h('span', { class: 'error-text' });
  let running = false;
  const toggle = button(t.gateway.start, () => ctx.host.post({ type: 'gateway/toggle', run: !running }), { cls: 'gateway-toggle' });
  const el = h('header', { class: 'gateway-status' }, dot, text, error, h('span', { class: 'spacer' }), toggle);
  return {
    el,
    update(ui: UiState) {
      const g = ui.panel?.gateway;
      running = g?.running ?? false;
      dot.className = `dot ${running ? 'on' : 'off'}`;
      const parts = g?.running
        ? [t.gateway.running(g.baseUrl ?? `http://127.0.0.1:${g.port ?? ''}`), t.gateway.inFlight(g.inFlight), t.gateway.todayTokens(formatNumber(g.todayTokens, ctx.lang))]
        : [t.gateway.stopped];
      text.textContent = parts.join(' · ');
      error.textContent = g?.error ?? '';
      toggle.textContent = running ? t.gateway.stop : t.gateway.start;
    },
  };
}
