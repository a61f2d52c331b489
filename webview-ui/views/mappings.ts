/** Model mappings tab: an ordered, editable rule list (Save sends it whole) and a "try a model name" box. */
import type { MappingRule, MappingTryResult } from '../../src/shared/webview-protocol';
import { button, field, form, h } from '../dom';
import { moveRule, splitList } from '../forms';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

function sameRules(a: readonly MappingRule[], b: readonly MappingRule[]): boolean {
  return a.length === b.length && a.every((r, i) => r.from === b[i]?.from && r.to.join('\n') === b[i]?.to.join('\n'));
}

function tryResult(ctx: ViewContext, tried: { model: string; result: MappingTryResult }): HTMLElement[] {
  const { t } = ctx;
  const r = tried.result;
  if ('error' in r) return [h('p', { class: 'error-text' }, `${tried.model}: ${r.error}`)];
  return [
    h('p', {}, h('strong', {}, tried.model), ' — ', r.rule ? t.mappings.matchedRule(r.rule.from) : t.mappings.noRule),
    h('p', {}, `${t.mappings.routesTo}: `),
    h('ol', { class: 'targets' }, ...r.targets.map((x) => h('li', {}, h('code', {}, `${x.providerId}/${x.model}`)))),
  ];
}

/** Creates the Model mappings tab. */
export function mappingsView(ctx: ViewContext): View {
  const { t } = ctx;
  let draft: MappingRule[] = [];
  let saved: MappingRule[] = [];
  let dirty = false;
  let lastTried: UiState['tried'];
  const rows = h('ol', { class: 'rule-list' });
  const dirtyNote = h('span', { class: 'muted', role: 'status' });
  const markDirty = (): void => {
    dirty = !sameRules(draft, saved);
    dirtyNote.textContent = dirty ? t.mappings.unsaved : '';
  };

  /** Re-renders rows from the draft; `focus` restores focus to a button after a move. */
  const renderRows = (focus?: { index: number; which: 'up' | 'down' }): void => {
    if (draft.length === 0) {
      rows.replaceChildren(h('li', { class: 'muted empty' }, t.mappings.empty));
      return;
    }
    rows.replaceChildren(...draft.map((rule, i) => {
      const n = i + 1;
      const from = field(`map-from-${i}`, t.mappings.from, { ariaLabel: `${t.mappings.from} ${n}`, value: rule.from, placeholder: 'gpt-*' });
      const to = field(`map-to-${i}`, t.mappings.to, { ariaLabel: `${t.mappings.to} ${n}`, value: rule.to.join(', '), placeholder: 'openai/gpt-4o' });
      from.input.addEventListener('input', () => {
        draft = draft.map((r, k) => (k === i ? { ...r, from: from.input.value.trim() } : r));
        markDirty();
      });
      to.input.addEventListener('input', () => {
        draft = draft.map((r, k) => (k === i ? { ...r, to: splitList(to.input.value) } : r));
        markDirty();
      });
      const move = (delta: -1 | 1): void => {
        const target = i + delta;
        if (target < 0 || target >= draft.length) return;
        draft = moveRule(draft, i, delta);
        markDirty();
        renderRows({ index: target, which: delta < 0 ? 'up' : 'down' });
      };
      const up = button('↑', () => move(-1), { secondary: true, ariaLabel: t.mappings.moveUp(n), cls: 'rule-up' });
      const down = button('↓', () => move(1), { secondary: true, ariaLabel: t.mappings.moveDown(n), cls: 'rule-down' });
      if (i === 0) up.setAttribute('disabled', '');
      if (i === draft.length - 1) down.setAttribute('disabled', '');
      const del = button(t.delete, () => {
        draft = draft.filter((_, k) => k !== i);
        markDirty();
        renderRows();
      }, { secondary: true, ariaLabel: t.mappings.deleteRule(n) });
      const li = h('li', { class: 'rule', 'data-from': rule.from },
        h('span', { class: 'rule-n', 'aria-hidden': 'true' }, String(n)), from.row, to.row, h('span', { class: 'row-actions' }, up, down, del));
      if (focus?.index === i) {
        const target = focus.which === 'up' && i > 0 ? up : i < draft.length - 1 ? down : up;
        // The button becomes focusable only after its first render, which Lit runs asynchronously.
        void (target as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete.then(() => target.focus());
      }
      return li;
    }));
  };

  const save = (): void => {
    const clean = draft.filter((r) => r.from && r.to.length);
    ctx.host.post({ type: 'mapping/save', mappings: clean });
  };

  const tryField = field('map-try', t.mappings.tryLabel, { placeholder: 'gpt-4o' });
  const tryOut = h('div', { class: 'try-result', role: 'status', 'aria-live': 'polite' });
  const doTry = (): void => {
    const model = tryField.input.value.trim();
    if (model) ctx.host.post({ type: 'mapping/try', model });
  };

  const el = h('div', { class: 'tab-body mappings' },
    h('section', { class: 'card' },
      h('p', { class: 'muted' }, t.mappings.help),
      rows,
      h('div', { class: 'actions' },
        button(t.mappings.addRule, () => {
          draft = [...draft, { from: '', to: [] }];
          markDirty();
          renderRows();
          const added = rows.querySelector<HTMLElement & { updateComplete?: Promise<unknown> }>(`#map-from-${draft.length - 1}`);
          void added?.updateComplete?.then(() => added.focus());
        }, { secondary: true, cls: 'rule-add' }),
        button(t.save, save, { cls: 'rules-save' }),
        dirtyNote,
      ),
    ),
    form(doTry, { class: 'card try-form' },
      h('div', { class: 'inline-form' }, tryField.row, button(t.mappings.tryButton, doTry, { submit: true, cls: 'try-button' })),
      tryOut,
    ),
  );
  renderRows();

  return {
    el,
    update(ui: UiState) {
      const incoming = ui.panel?.mappings ?? [];
      if (!sameRules(incoming, saved)) {
        const changedUpstream = saved.length > 0 || incoming.length > 0;
        saved = incoming;
        // Keep the user's unsaved edits; otherwise show what the host has.
        if (!dirty || sameRules(draft, incoming)) {
          draft = incoming.map((r) => ({ from: r.from, to: [...r.to] }));
          renderRows();
        }
        markDirty();
        // The rules changed: re-ask the host about the last model so the answer is current.
        if (changedUpstream && ui.tried) ctx.host.post({ type: 'mapping/try', model: ui.tried.model });
      }
      if (ui.tried !== lastTried) {
        lastTried = ui.tried;
        tryOut.replaceChildren(...(ui.tried ? tryResult(ctx, ui.tried) : []));
      }
    },
  };
}
