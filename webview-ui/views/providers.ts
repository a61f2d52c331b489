/** Providers tab: the provider form plus one card per provider with its keys (label + hint only). */
import type { ProviderView } from '../../src/shared/webview-protocol';
import { button, field, form, h, requireValue } from '../dom';
import { formatTime } from '../i18n';
import type { UiState } from '../state';
import { providerFormView } from './provider-form';
import type { View, ViewContext } from './types';

/** One provider's card. Built once per provider id so a half-typed key survives state pushes. */
class ProviderCard {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly keys: HTMLElement;
  private readonly testResult: HTMLElement;
  private provider: ProviderView;

  constructor(private readonly ctx: ViewContext, provider: ProviderView, onEdit: (p: ProviderView) => void) {
    const { t } = ctx;
    this.provider = provider;
    const fid = cssId(provider.id);
    this.head = h('div', { class: 'card-head' });
    this.keys = h('ul', { class: 'key-list', 'aria-label': t.providers.keys });
    this.testResult = h('span', { class: 'test-result', role: 'status' });
    const label = field(`key-label-${fid}`, t.providers.keyLabel, { placeholder: 'personal' });
    const secret = field(`key-secret-${fid}`, t.providers.keySecret, { type: 'password', required: true });
    secret.input.setAttribute('autocomplete', 'off');
    const addKey = (): void => {
      const value = requireValue(secret.input);
      if (!value) return;
      this.ctx.host.post({ type: 'key/add', providerId: this.provider.id, label: label.input.value.trim(), secret: value });
      // The secret must not linger in the DOM; the host answers with a hint only.
      secret.input.value = '';
      label.input.value = '';
    };
    this.el = h('section', { class: 'card provider-card', 'data-provider': provider.id },
      this.head,
      h('div', { class: 'actions' },
        button(t.edit, () => onEdit(this.provider), { secondary: true, ariaLabel: `${t.edit} ${provider.id}` }),
        button(t.providers.test, () => {
          this.testResult.textContent = t.providers.testing;
          this.ctx.host.post({ type: 'provider/test', id: this.provider.id });
        }, { secondary: true, ariaLabel: `${t.providers.test} ${provider.id}` }),
        button(t.delete, () => this.ctx.host.post({ type: 'provider/delete', id: this.provider.id }), { secondary: true, ariaLabel: `${t.delete} ${provider.id}` }),
        this.testResult,
      ),
      h('h4', {}, t.providers.keys),
      this.keys,
      form(addKey, { class: 'key-form inline-form', 'aria-label': `${t.providers.addKey} (${provider.id})` },
        label.row, secret.row, button(t.providers.addKey, addKey, { submit: true, cls: 'key-add' })),
    );
    this.update(provider, undefined);
  }

  update(provider: ProviderView, tested: UiState['tested'][string] | undefined): void {
    const { t, lang } = this.ctx;
    this.provider = provider;
    this.head.replaceChildren(
      h('h3', {}, provider.id),
      h('vscode-badge', { variant: 'default' }, provider.type),
      h('span', { class: provider.enabled ? 'pill ok' : 'pill off' }, provider.enabled ? t.providers.enabled : t.providers.disabled),
      h('span', { class: 'muted' }, provider.baseUrl || ''),
      h('span', { class: 'muted models' }, provider.models.join(', ')),
    );
    if (tested) {
      this.testResult.textContent = tested.ok ? t.providers.testOk(tested.latencyMs) : `${t.providers.testFailed}: ${tested.message}`;
      this.testResult.className = `test-result ${tested.ok ? 'ok' : 'bad'}`;
    }
    if (provider.keys.length === 0) {
      this.keys.replaceChildren(h('li', { class: 'muted' }, t.providers.noKeys));
      return;
    }
    this.keys.replaceChildren(...provider.keys.map((k) => h('li', { class: 'key-item', 'data-key': k.keyId },
      h('span', { class: 'key-label' }, k.label || k.keyId),
      h('code', { class: 'key-hint' }, k.hint),
      h('span', { class: `pill ${k.status === 'ok' ? 'ok' : k.status === 'cooling' ? 'warn' : 'bad'}` }, t.providers.keyStatus[k.status]),
      k.cooldownUntil ? h('span', { class: 'muted' }, t.providers.until(formatTime(new Date(k.cooldownUntil).toISOString(), lang))) : null,
      k.lastError ? h('span', { class: 'muted error-text' }, k.lastError) : null,
      button(t.delete, () => this.ctx.host.post({ type: 'key/delete', providerId: provider.id, keyId: k.keyId }), { secondary: true, ariaLabel: t.providers.deleteKey(k.label || k.keyId) }),
    )));
  }
}

/** Provider ids may contain characters that are awkward in element ids. */
function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Creates the Providers tab. */
export function providersView(ctx: ViewContext): View {
  const formView = providerFormView(ctx);
  const list = h('div', { class: 'provider-list' });
  const empty = h('p', { class: 'muted empty' }, ctx.t.providers.empty);
  const cards = new Map<string, ProviderCard>();
  const el = h('div', { class: 'tab-body providers' }, formView.el, list);
  return {
    el,
    update(ui: UiState) {
      const providers = ui.panel?.providers ?? [];
      const seen = new Set<string>();
      const ordered: HTMLElement[] = [];
      for (const p of providers) {
        seen.add(p.id);
        let card = cards.get(p.id);
        if (!card) {
          card = new ProviderCard(ctx, p, (prov) => formView.load(prov));
          cards.set(p.id, card);
        }
        card.update(p, ui.tested[p.id]);
        ordered.push(card.el);
      }
      for (const id of [...cards.keys()]) if (!seen.has(id)) cards.delete(id);
      // Re-append only when the order changed, so focus inside a card is not lost.
      const current = [...list.children];
      if (current.length !== ordered.length || current.some((c, i) => c !== ordered[i])) {
        list.replaceChildren(...(ordered.length ? ordered : [empty]));
      }
    },
  };
}
