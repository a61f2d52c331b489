/** What every tab view gets and provides. */
import type { PanelLang } from '../../src/shared/webview-protocol';
import type { HostApi } from '../host-api';
import type { Strings } from '../i18n';
import type { UiAction, UiState } from '../state';

/** Shared by all views: the host bridge, the string table, and a way to raise UI actions. */
export interface ViewContext {
  host: HostApi;
  t: Strings;
  lang: PanelLang;
  dispatch(action: UiAction): void;
}

/** A view builds its DOM once (so half-typed forms survive updates) and refreshes lists in `update`. */
export interface View {
  readonly el: HTMLElement;
  update(ui: UiState): void;
}
