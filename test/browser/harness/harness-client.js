// Browser side of the panel test harness. Loaded (nonce'd, before dist/webview.js) after a prelude that defines
// window.__fixture (PanelState) and window.__themes. It stands in for VS Code: acquireVsCodeApi() records posted
// messages in window.__sent, keeps setState() in sessionStorage (VS Code keeps it across reloads), and plays a tiny
// extension host that answers the webview's messages.
(function () {
  'use strict';
  const sent = [];
  const states = [];
  const violations = [];
  window.__sent = sent;
  window.__states = states;
  window.__violations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

  const clone = (v) => JSON.parse(JSON.stringify(v));
  let state = clone(window.__fixture);
  let keySeq = 1;
  const push = (msg) => window.postMessage(clone(msg), '*');
  const pushState = () => push({ type: 'state/changed', state });
  window.__push = push;
  window.__hostState = () => state;

  window.__setTheme = (name) => {
    const vars = window.__themes[name];
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.className = name === 'light' ? 'vscode-light' : 'vscode-dark';
  };
  window.__setTheme(new URLSearchParams(location.search).get('theme') || 'dark');

  // Mapping patterns are exact names or globs with '*'; first matching rule wins, else the providers' model lists.
  const globToRegExp = (g) => new RegExp(`^${g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const resolve = (model) => {
    for (const rule of state.mappings) {
      if (globToRegExp(rule.from).test(model)) {
        return { rule, targets: rule.to.map((t) => ({ providerId: t.split('/')[0], model: t.split('/').slice(1).join('/') })) };
      }
    }
    const p = state.providers.find((x) => x.models.includes(model));
    return p ? { targets: [{ providerId: p.id, model }] } : { error: `no provider serves "${model}"` };
  };

  const host = (msg) => {
    switch (msg.type) {
      case 'panel/ready':
        return pushState();
      case 'key/add': {
        const p = state.providers.find((x) => x.id === msg.providerId);
        p.keys.push({ keyId: `k${++keySeq}`, label: msg.label, hint: `…${msg.secret.slice(-4)}`, status: 'ok' });
        return pushState();
      }
      case 'gatewayKey/create': {
        const id = `gk${++keySeq}`;
        const key = `sb-${id}-${Math.random().toString(36).slice(2, 12)}XYZW`;
        state.gatewayKeys.push({
          id, name: msg.name, hint: `…${key.slice(-4)}`, status: 'active', models: msg.models, denyModels: msg.denyModels,
          limits: {}, usage: { requests: 0, inputTokens: 0, outputTokens: 0 }, createdAt: new Date().toISOString(),
        });
        push({ type: 'gatewayKey/created', id, key });
        return pushState();
      }
      case 'mapping/save':
        state.mappings = msg.mappings;
        return pushState();
      case 'mapping/try':
        return push({ type: 'mapping/tried', model: msg.model, result: resolve(msg.model) });
      default:
        return undefined;
    }
  };

  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (msg) => {
        sent.push(clone(msg));
        // Async, like the real host.
        setTimeout(() => host(msg), 0);
      },
      getState: () => {
        const raw = sessionStorage.getItem('vscodeState');
        return raw ? JSON.parse(raw) : undefined;
      },
      setState: (s) => {
        states.push(clone(s));
        sessionStorage.setItem('vscodeState', JSON.stringify(s));
      },
    };
  };
})();
