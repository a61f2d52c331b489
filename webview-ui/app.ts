/** Wires the reducer, the host bridge and the tab views; rebuilds the views only when the language changes. */
import type { PanelLang, ToWebview } from '../src/shared/webview-protocol';
import { h } from './dom';
import type { HostApi } from './host-api';
import { langFromTag, strings } from './i18n';
import type { Action, TabId, UiState } from './state';
import { TAB_IDS, initialState, persistable, reduce } from './state';
import { gatewayKeysView } from './views/gateway-keys';
import { gatewayStatusView } from './views/gateway-status';
import { inspectorView } from './views/inspector';
import { mappingsView } from './views/mappings';
import { noticesView } from './views/notices';
import { providersView } from './views/providers';
import { setupView } from './views/setup';
import type { View, ViewContext } from './views/types';
import { usageView } from './views/usage';

/** The running panel. */
export class App {
  private ui: UiState;
  private lang: PanelLang;
  private views: View[] = [];
  private retheme: () => void = () => undefined;
  private tabs?: HTMLElementTagNameMap['vscode-tabs'];

  constructor(private readonly root: HTMLElement, private readonly host: HostApi) {
    this.ui = initialState(host.load());
    this.lang = langFromTag(document.documentElement.lang);
    this.build();
    host.onMessage((msg: ToWebview) => this.dispatch(msg));
    // VS Code swaps theme variables on <html style> and the theme class on <body>.
    const observer = new MutationObserver(() => this.retheme());
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    host.post({ type: 'panel/ready' });
  }

  /** Applies an action and refreshes the views. */
  dispatch(action: Action): void {
    const prevTab = this.ui.tab;
    this.ui = reduce(this.ui, action);
    if (this.ui.tab !== prevTab) this.host.save(persistable(this.ui));
    const lang = this.ui.panel?.lang;
    if (lang && lang !== this.lang) {
      this.lang = lang;
      this.build();
      return;
    }
    this.render();
  }

  private build(): void {
    const t = strings(this.lang);
    document.documentElement.lang = this.lang === 'zh-cn' ? 'zh-CN' : 'en';
    const ctx: ViewContext = { host: this.host, t, lang: this.lang, dispatch: (a) => this.dispatch(a) };
    const status = gatewayStatusView(ctx);
    const notices = noticesView(ctx);
    const usage = usageView(ctx);
    const tabViews: Record<TabId, View> = {
      providers: providersView(ctx),
      gatewayKeys: gatewayKeysView(ctx),
      mappings: mappingsView(ctx),
      usage,
      setup: setupView(ctx),
      inspector: inspectorView(ctx),
    };
    const tabs = h('vscode-tabs', { 'aria-label': 'Switchboard' },
      ...TAB_IDS.map((id) => h('vscode-tab-header', { slot: 'header', 'data-tab': id }, t.tabs[id])),
      ...TAB_IDS.map((id) => h('vscode-tab-panel', { 'data-tab': id }, tabViews[id].el)));
    tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
      const index = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const tab = TAB_IDS[index];
      if (tab && tab !== this.ui.tab) this.dispatch({ type: 'ui/tab', tab });
    });
    this.tabs = tabs;
    this.views = [status, notices, ...TAB_IDS.map((id) => tabViews[id])];
    this.retheme = () => usage.retheme();
    this.root.replaceChildren(status.el, notices.el, tabs);
    this.render();
  }

  private render(): void {
    const index = TAB_IDS.indexOf(this.ui.tab);
    if (this.tabs && this.tabs.selectedIndex !== index) this.tabs.selectedIndex = index;
    this.root.classList.toggle('loading', !this.ui.panel);
    for (const v of this.views) v.update(this.ui);
  }
}
