/** Tiny DOM builders. Text goes in via textContent only (never innerHTML), so host data cannot inject markup. */

/** Attribute values: strings/numbers are set, `true` sets an empty attribute, false/undefined skip it. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** A child: a node, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children, turning text into text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Creates a `<vscode-button>` that runs `onClick` (the element itself handles Enter and Space). */
export function button(label: string, onClick: () => void, opts: { secondary?: boolean; ariaLabel?: string; submit?: boolean; cls?: string } = {}): HTMLElement {
  const b = h('vscode-button', {
    secondary: opts.secondary,
    'aria-label': opts.ariaLabel,
    class: opts.cls,
  }, label);
  if (opts.submit) b.type = 'submit';
  else b.addEventListener('click', () => onClick());
  return b;
}

/** A labelled `<vscode-textfield>`; returns the wrapper and the field. */
export function field(id: string, label: string, opts: { type?: string; value?: string; placeholder?: string; required?: boolean; ariaLabel?: string } = {}): { row: HTMLElement; input: HTMLElementTagNameMap['vscode-textfield'] } {
  // Not the native `required`: the element would paint itself invalid before the user typed anything.
  const input = h('vscode-textfield', { id, placeholder: opts.placeholder, 'aria-required': opts.required ? 'true' : undefined, label: opts.ariaLabel ?? label });
  if (opts.type) input.setAttribute('type', opts.type);
  if (opts.value !== undefined) input.value = opts.value;
  if (opts.required) input.addEventListener('input', () => { input.invalid = false; });
  const row = h('div', { class: 'field' }, h('vscode-label', { for: id }, label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input);
  return { row, input };
}

/** Returns the trimmed value, or marks the field invalid, focuses it and returns ''. */
export function requireValue(input: HTMLElementTagNameMap['vscode-textfield']): string {
  const value = input.value.trim();
  if (!value) {
    input.invalid = true;
    input.focus();
  }
  return value;
}

/** Wraps content in a form whose submit (Enter in a field, or a submit button) calls `onSubmit`. */
export function form(onSubmit: () => void, attrs: Attrs, ...children: Child[]): HTMLFormElement {
  const f = h('form', attrs, ...children);
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onSubmit();
  });
  return f;
}

/** A simple table with header cells and rows of cells. */
export function table(cls: string, headers: string[], rows: Child[][]): HTMLTableElement {
  return h('table', { class: `grid ${cls}` },
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}
