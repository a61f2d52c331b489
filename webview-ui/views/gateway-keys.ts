/** Gateway keys tab: create form, the once-only "new key" box, and the key table. */
import type { GatewayKeyCreate, GatewayKeyView } from '../../src/shared/webview-protocol';
import { button, field, form, h, requireValue, table } from '../dom';
import { optionalInt, splitList } from '../forms';
import { formatNumber, formatTime } from '../i18n';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

/** Creates the form that posts `gatewayKey/create`. */
function createForm(ctx: ViewContext): HTMLElement {
  const { t } = ctx;
  const name = field('gk-name', t.keys.name, { required: true, placeholder: 'laptop' });
  const models = field('gk-models', t.keys.models, { placeholder: 'gpt-*, claude-*' });
  const deny = field('gk-deny', t.keys.denyModels);
  const rpm = field('gk-rpm', t.keys.rpm, { type: 'number' });
  const rpd = field('gk-rpd', t.keys.rpd, { type: 'number' });
  const concurrency = field('gk-concurrency', t.keys.concurrency, { type: 'number' });
  const quota = field('gk-quota', t.keys.quotaTokens, { type: 'number' });
  const maxTokens = field('gk-max-tokens', t.keys.maxTokens, { type: 'number' });
  const expires = field('gk-expires', t.keys.expiresAt, { type: 'date' });
  const submit = (): void => {
    const keyName = requireValue(name.input);
    if (!keyName) return;
    const body: GatewayKeyCreate = { name: keyName, models: splitList(models.input.value), denyModels: splitList(deny.input.value) };
    const nums = { rpm, rpd, concurrency, quotaTokens: quota, maxTokens } as const;
    for (const [k, f] of Object.entries(nums) as Array<[keyof typeof nums, typeof rpm]>) {
      const n = optionalInt(f.input.value);
      if (n !== undefined) body[k] = n;
    }
    const day = expires.input.value.trim();
    if (day) body.expiresAt = new Date(`${day}T23:59:59`).toISOString();
    ctx.host.post({ type: 'gatewayKey/create', ...body });
    for (const f of [name, models, deny, rpm, rpd, concurrency, quota, maxTokens, expires]) f.input.value = '';
  };
  return form(submit, { class: 'card gk-form', 'aria-labelledby': 'gk-form-title' },
    h('h3', { id: 'gk-form-title' }, t.keys.formTitle),
    h('div', { class: 'grid-form' }, name.row, models.row, deny.row, rpm.row, rpd.row, concurrency.row, quota.row, maxTokens.row, expires.row),
    h('div', { class: 'actions' }, button(t.keys.create, submit, { submit: true, cls: 'gk-create' })),
  );
}

/** The box that shows a new key's plaintext once; it lives only in memory until dismissed. */
function createdBox(ctx: ViewContext, created: { id: string; key: string }): HTMLElement {
  const { t } = ctx;
  const status = h('span', { class: 'muted', role: 'status' });
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(created.key);
    } catch {
      // Clipboard access can be denied in a webview; the host can copy it instead.
      ctx.host.post({ type: 'gatewayKey/copy', id: created.id });
    }
    status.textContent = t.copied;
  };
  return h('div', { class: 'card created-key', role: 'alertdialog', 'aria-labelledby': 'created-key-title', 'aria-describedby': 'created-key-help' },
    h('h3', { id: 'created-key-title' }, t.keys.createdTitle),
    h('p', { id: 'created-key-help' }, t.keys.createdHelp),
    h('code', { class: 'created-key-value' }, created.key),
    h('div', { class: 'actions' },
      button(t.copy, () => void copy(), { cls: 'created-key-copy' }),
      button(t.keys.copiedIt, () => ctx.dispatch({ type: 'ui/dismissCreatedKey' }), { secondary: true, cls: 'created-key-dismiss' }),
      status,
    ),
  );
}

function keyRow(ctx: ViewContext, k: GatewayKeyView): HTMLElement[] {
  const { t, lang } = ctx;
  const active = k.status === 'active';
  return [
    h('span', { class: 'gk-name' }, k.name),
    h('code', {}, k.hint),
    h('span', { class: `pill ${active ? 'ok' : 'off'}` }, active ? t.keys.active : t.keys.disabled),
    h('span', {}, k.models.length ? k.models.join(', ') : t.keys.all, k.denyModels.length ? ` − ${k.denyModels.join(', ')}` : ''),
    h('span', { class: 'num' }, formatNumber(k.usage.requests, lang)),
    h('span', { class: 'num' }, `${formatNumber(k.usage.inputTokens, lang)} / ${formatNumber(k.usage.outputTokens, lang)}`),
    h('span', {}, formatTime(k.createdAt, lang)),
    h('span', {}, k.lastUsedAt ? formatTime(k.lastUsedAt, lang) : t.keys.never),
    h('span', {}, k.expiresAt ? formatTime(k.expiresAt, lang) : t.keys.never),
    h('span', { class: 'row-actions' },
      button(active ? t.keys.disable : t.keys.enable, () => ctx.host.post({ type: 'gatewayKey/setStatus', id: k.id, status: active ? 'disabled' : 'active' }), { secondary: true, ariaLabel: `${active ? t.keys.disable : t.keys.enable} ${k.name}` }),
      button(t.delete, () => ctx.host.post({ type: 'gatewayKey/delete', id: k.id }), { secondary: true, ariaLabel: `${t.delete} ${k.name}` }),
    ),
  ];
}

/** Creates the Gateway keys tab. */
export function gatewayKeysView(ctx: ViewContext): View {
  const created = h('div', { class: 'created-slot' });
  const list = h('div', { class: 'gk-list' });
  const el = h('div', { class: 'tab-body gateway-keys' }, created, createForm(ctx), list);
  let shownKeyId: string | undefined;
  let lastKeys: GatewayKeyView[] | undefined;
  return {
    el,
    update(ui: UiState) {
      if (ui.createdKey?.id !== shownKeyId) {
        shownKeyId = ui.createdKey?.id;
        created.replaceChildren(...(ui.createdKey ? [createdBox(ctx, ui.createdKey)] : []));
      }
      const keys = ui.panel?.gatewayKeys ?? [];
      if (keys === lastKeys) return;
      lastKeys = keys;
      list.replaceChildren(keys.length
        ? table('gk-table', ctx.t.keys.cols, keys.map((k) => keyRow(ctx, k)))
        : h('p', { class: 'muted empty' }, ctx.t.keys.empty));
    },
  };
}
