/** Client setup tab: a snippet per client with Copy (host fills in the chosen key) and Configure. */
import type { SetupSnippet } from '../../src/shared/webview-protocol';
import { button, field, h } from '../dom';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

/** Creates the Client setup tab. */
export function setupView(ctx: ViewContext): View {
  const { t } = ctx;
  const keySelect = h('vscode-single-select', { id: 'setup-key', label: t.setup.key });
  const model = field('setup-model', t.setup.model, { placeholder: 'gpt-4o' });
  const list = h('div', { class: 'setup-list' });
  let lastSetups: SetupSnippet[] | undefined;
  let lastKeyIds = '';
  const el = h('div', { class: 'tab-body setup' },
    h('p', { class: 'muted' }, t.setup.help),
    h('div', { class: 'card inline-form' },
      h('div', { class: 'field' }, h('vscode-label', { for: 'setup-key' }, t.setup.key), keySelect),
      model.row),
    list);
  return {
    el,
    update(ui: UiState) {
      const keys = ui.panel?.gatewayKeys ?? [];
      const keyIds = keys.map((k) => `${k.id}:${k.name}`).join('|');
      if (keyIds !== lastKeyIds) {
        lastKeyIds = keyIds;
        const chosen = keySelect.value;
        keySelect.replaceChildren(...keys.map((k) => h('vscode-option', { value: k.id }, `${k.name} (${k.hint})`)));
        if (keys.some((k) => k.id === chosen)) keySelect.value = chosen;
      }
      const setups = ui.panel?.setups ?? [];
      if (setups === lastSetups) return;
      lastSetups = setups;
      list.replaceChildren(...(setups.length ? setups.map((s) => h('section', { class: 'card setup-card', 'data-client': s.client },
        h('h3', {}, s.title),
        h('pre', { class: 'snippet' }, h('code', {}, s.text)),
        h('div', { class: 'actions' },
          button(t.copy, () => ctx.host.post({
            type: 'setup/copy',
            client: s.client,
            keyId: keySelect.value || undefined,
            model: model.input.value.trim() || undefined,
          }), { ariaLabel: `${t.copy} ${s.title}` }),
          button(t.setup.configure, () => ctx.host.post({ type: 'setup/configure', client: s.client }), { secondary: true, ariaLabel: `${t.setup.configure}: ${s.title}` }),
        ),
      )) : [h('p', { class: 'muted empty' }, t.setup.empty)]));
    },
  };
}
