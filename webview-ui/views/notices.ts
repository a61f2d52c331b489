/** Notice banners from the host (`notice` messages), each dismissible. */
import { button, h } from '../dom';
import type { UiState } from '../state';
import type { View, ViewContext } from './types';

/** Creates the notice area. */
export function noticesView(ctx: ViewContext): View {
  const el = h('div', { class: 'notices' });
  let shown = '';
  return {
    el,
    update(ui: UiState) {
      const key = ui.notices.map((n) => n.id).join(',');
      if (key === shown) return;
      shown = key;
      el.replaceChildren(...ui.notices.map((n) =>
        h('div', { class: `notice ${n.level}`, role: n.level === 'error' ? 'alert' : 'status' },
          h('span', { class: 'notice-text' }, n.text),
          button(ctx.t.dismiss, () => ctx.dispatch({ type: 'ui/dismissNotice', id: n.id }), { secondary: true }),
        )));
    },
  };
}
