/** Inspector tab: toggle capture; each captured exchange (already redacted by the host) with replay / copy as curl. */
import type { InspectorEntry } from '../../src/shared/webview-protocol';
import { button, h } from '../dom';
import { formatTime } from '../i18n';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

/** Creates the Inspector tab. */
export function inspectorView(ctx: ViewContext): View {
  const { t, lang } = ctx;
  const toggle = h('vscode-checkbox', { id: 'inspector-enabled' }, t.inspector.enable);
  toggle.addEventListener('change', () => ctx.host.post({ type: 'inspector/toggle', enabled: toggle.checked }));
  const list = h('div', { class: 'inspector-list' });
  let lastEntries: InspectorEntry[] | undefined;
  const el = h('div', { class: 'tab-body inspector' }, h('div', { class: 'card' }, toggle), list);
  const section = (title: string, body: string): HTMLElement => h('div', { class: 'exchange-part' }, h('h4', {}, title), h('pre', { class: 'snippet' }, body));
  return {
    el,
    update(ui: UiState) {
      const insp = ui.panel?.inspector;
      if (!insp) return;
      if (toggle.checked !== insp.enabled) toggle.checked = insp.enabled;
      if (insp.entries === lastEntries) return;
      lastEntries = insp.entries;
      list.replaceChildren(...(insp.entries.length ? [...insp.entries].reverse().map((e) => h('details', { class: 'card exchange', 'data-id': e.id },
        h('summary', {}, `${formatTime(e.time, lang)} · ${e.model} · ${e.status}`),
        section(t.inspector.inbound, e.inbound),
        section(t.inspector.upstream, e.upstream),
        section(t.inspector.response, e.response),
        h('div', { class: 'actions' },
          button(t.inspector.replay, () => ctx.host.post({ type: 'inspector/replay', requestId: e.id }), { secondary: true }),
          button(t.inspector.copyCurl, () => ctx.host.post({ type: 'inspector/copyCurl', requestId: e.id }), { secondary: true }),
        ),
      )) : [h('p', { class: 'muted empty' }, t.inspector.empty)]));
    },
  };
}
