/** The add/edit provider form → `provider/save`. */
import type { ProviderForm, ProviderView } from '../../src/shared/webview-protocol';
import type { ProviderType } from '../../src/gateway/providers/types';
import { button, field, form, h, requireValue } from '../dom';
import { parseHeaders, splitList } from '../forms';
import type { ViewContext } from './types';

const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'openai-compatible', 'openai-responses', 'anthropic', 'gemini'];

function isProviderType(v: string): v is ProviderType {
  return (PROVIDER_TYPES as readonly string[]).includes(v);
}

/** The form element plus a way to load an existing provider into it. */
export interface ProviderFormView {
  el: HTMLElement;
  load(p: ProviderView): void;
}

/** Creates the provider form. */
export function providerFormView(ctx: ViewContext): ProviderFormView {
  const { t } = ctx;
  const id = field('provider-id', t.providers.id, { required: true, placeholder: 'openai' });
  const type = h('vscode-single-select', { id: 'provider-type', label: t.providers.type },
    ...PROVIDER_TYPES.map((p) => h('vscode-option', { value: p }, p)));
  const baseUrl = field('provider-base-url', t.providers.baseUrl, { placeholder: 'https://api.openai.com/v1' });
  const models = field('provider-models', t.providers.models, { placeholder: 'gpt-4o, gpt-4o-mini' });
  const headers = h('vscode-textarea', { id: 'provider-headers', rows: 2, label: t.providers.headers });
  const enabled = h('vscode-checkbox', { id: 'provider-enabled' }, t.providers.enabled);
  enabled.checked = true;

  const submit = (): void => {
    const providerId = requireValue(id.input);
    if (!providerId) return;
    const chosen = type.value;
    const provider: ProviderForm = {
      id: providerId,
      type: isProviderType(chosen) ? chosen : 'openai-compatible',
      baseUrl: baseUrl.input.value.trim(),
      headers: parseHeaders(headers.value),
      models: splitList(models.input.value),
      enabled: enabled.checked,
    };
    ctx.host.post({ type: 'provider/save', provider });
  };

  const el = form(submit, { class: 'card provider-form', 'aria-labelledby': 'provider-form-title' },
    h('h3', { id: 'provider-form-title' }, t.providers.formTitle),
    h('div', { class: 'grid-form' },
      id.row,
      h('div', { class: 'field' }, h('vscode-label', { for: 'provider-type' }, t.providers.type), type),
      baseUrl.row,
      models.row,
      h('div', { class: 'field wide' }, h('vscode-label', { for: 'provider-headers' }, t.providers.headers), headers),
      h('div', { class: 'field' }, enabled),
    ),
    h('div', { class: 'actions' }, button(t.save, submit, { submit: true, cls: 'provider-save' })),
  );

  return {
    el,
    load(p) {
      id.input.value = p.id;
      type.value = p.type;
      baseUrl.input.value = p.baseUrl;
      models.input.value = p.models.join(', ');
      headers.value = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
      enabled.checked = p.enabled;
      id.input.focus();
    },
  };
}
