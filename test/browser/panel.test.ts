/**
 * The management panel in real headless Chromium: the real bundle (dist/webview.js) in the real renderPanelHtml()
 * page with its CSP, and a harness standing in for VS Code and the extension host (test/browser/harness/).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ToHost } from '../../src/shared/webview-protocol';
import { startHarness, type Harness } from './harness/server';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const WAIT_MS = 5000;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

describe('management panel webview (Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let harness: Harness;
  let context: BrowserContext | undefined;
  let problems: string[] = [];

  before(async () => {
    const built = spawnSync(process.execPath, ['esbuild.mjs', '--only', 'webview'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(built.status, 0, `webview build failed: ${built.stderr}`);
    harness = await startHarness(path.join(ROOT, 'dist/webview.js'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(async function () {
    const page = context?.pages()[0];
    const violations = page ? await page.evaluate<string[]>('window.__violations') : [];
    await context?.close();
    context = undefined;
    assert.deepEqual([...problems, ...violations], [], 'page errors or CSP violations');
  });

  /** Opens the panel and waits until the host's first state has rendered. */
  async function open(query = ''): Promise<Page> {
    problems = [];
    context = await browser.newContext({ viewport: { width: 1100, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${harness.origin}/panel${query}`);
    await page.locator('.gateway-status .status-text').filter({ hasText: '127.0.0.1:4848' }).waitFor();
    return page;
  }

  const sent = (page: Page): Promise<ToHost[]> => page.evaluate<ToHost[]>('window.__sent');
  const persisted = (page: Page): Promise<string> => page.evaluate<string>('JSON.stringify([window.__states, sessionStorage.getItem("vscodeState")])');
  const tab = (page: Page, id: string): Promise<void> => page.locator(`vscode-tab-header[data-tab="${id}"]`).click();
  const waitSent = (page: Page, type: string, n = 1): Promise<unknown> =>
    page.waitForFunction(`window.__sent.filter((m) => m.type === ${JSON.stringify(type)}).length >= ${n}`, undefined, { timeout: WAIT_MS });

  it('serves the CSP from renderPanelHtml and says panel/ready first', async () => {
    const page = await open();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'; script-src 'nonce-[^']+'; style-src http:\/\/127\.0\.0\.1:\d+ 'nonce-/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
    assert.equal((await sent(page))[0]?.type, 'panel/ready');
    // Inline handlers would be blocked by the CSP anyway; make sure the UI does not rely on them.
    assert.equal(await page.locator('[onclick], [onsubmit], [oninput]').count(), 0);
  });

  it('adds a provider key and shows only its hint', async () => {
    const page = await open();
    const secret = 'sk-test-VERYSECRET-0000-a1b2';
    const card = page.locator('.provider-card[data-provider="openai"]');
    await card.locator('#key-label-openai input').fill('work');
    await card.locator('#key-secret-openai input').fill(secret);
    await card.locator('vscode-button.key-add').click();
    await waitSent(page, 'key/add');
    const add = (await sent(page)).find((m) => m.type === 'key/add');
    assert.deepEqual(add, { type: 'key/add', providerId: 'openai', label: 'work', secret });

    await card.locator('.key-item', { hasText: 'work' }).waitFor();
    assert.equal(await card.locator('.key-item', { hasText: 'work' }).locator('.key-hint').textContent(), '…a1b2');
    assert.equal(await card.locator('#key-secret-openai input').inputValue(), '', 'password field cleared');
    assert.ok(!(await page.content()).includes(secret), 'secret not in the DOM');
    assert.ok(!(await page.evaluate<string>('document.body.innerText')).includes(secret));
    assert.ok(!(await persisted(page)).includes('VERYSECRET'), 'secret not in setState');
  });

  it('shows a created gateway key once, never persists it, and forgets it on dismiss and reload', async () => {
    const page = await open();
    await tab(page, 'gatewayKeys');
    await page.locator('#gk-name input').fill('ci-runner');
    await page.locator('#gk-models input').fill('gpt-*, claude-*');
    await page.locator('#gk-rpm input').fill('60');
    await page.locator('#gk-name input').press('Enter');
    await waitSent(page, 'gatewayKey/create');
    const create = (await sent(page)).find((m) => m.type === 'gatewayKey/create');
    assert.deepEqual(create, { type: 'gatewayKey/create', name: 'ci-runner', models: ['gpt-*', 'claude-*'], denyModels: [], rpm: 60 });

    const box = page.locator('.created-key');
    await box.waitFor();
    const key = (await box.locator('.created-key-value').textContent()) ?? '';
    assert.match(key, /^sb-gk\d+-\w+XYZW$/);
    assert.equal(await page.locator('.gk-table tbody tr').count(), 2);
    assert.ok(!(await persisted(page)).includes(key), 'created key not in setState');

    await box.locator('vscode-button.created-key-dismiss').click();
    await box.waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(key), 'gone from the DOM after dismiss');
    assert.ok(await page.locator('.gk-table', { hasText: '…XYZW' }).isVisible(), 'the list shows the hint');

    await page.reload();
    await page.locator('.gateway-status .status-text').filter({ hasText: '4848' }).waitFor();
    assert.ok(await page.locator('vscode-tab-panel[data-tab="gatewayKeys"]').isVisible(), 'selected tab restored from setState');
    assert.equal(await page.locator('.created-key').count(), 0);
    assert.ok(!(await page.content()).includes(key));
  });

  it('reorders a mapping, saves, and the "try" answer changes', async () => {
    const page = await open();
    await tab(page, 'mappings');
    await page.locator('#map-try input').fill('gpt-4o');
    await page.locator('#map-try input').press('Enter');
    const result = page.locator('.try-result');
    await result.getByText('openai/gpt-4o-mini').waitFor();
    assert.match((await result.textContent()) ?? '', /gpt-\*/);

    await page.getByRole('button', { name: 'Move rule 2 up' }).focus();
    await page.keyboard.press('Enter');
    // Focus follows the moved rule (its Up is now disabled, so its Down button) for keyboard users.
    await page.waitForFunction('document.activeElement && document.activeElement.getAttribute("aria-label") === "Move rule 1 down"', undefined, { timeout: WAIT_MS });
    assert.deepEqual(await page.locator('.rule').evaluateAll((els) => els.map((e) => e.getAttribute('data-from'))), ['gpt-4o', 'gpt-*']);
    await page.locator('vscode-button.rules-save').click();
    await waitSent(page, 'mapping/save');
    const save = (await sent(page)).find((m) => m.type === 'mapping/save');
    assert.deepEqual(save, {
      type: 'mapping/save',
      mappings: [{ from: 'gpt-4o', to: ['anthropic/claude-sonnet-4', 'openai/gpt-4o'] }, { from: 'gpt-*', to: ['openai/gpt-4o-mini'] }],
    });
    // The panel re-asks about the last model once the host's rules change.
    await result.getByText('anthropic/claude-sonnet-4').waitFor();
    assert.equal(await result.locator('ol.targets li').count(), 2);
    assert.ok(!((await result.textContent()) ?? '').includes('gpt-4o-mini'));
  });

  it('renders usage charts and appends live requests', async () => {
    const page = await open();
    await tab(page, 'usage');
    for (const id of ['chart-days', 'chart-models']) {
      const canvas = page.locator(`#${id}`);
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, `${id} has a size: ${JSON.stringify(box)}`);
      const painted = await canvas.evaluate((c) => {
        const cv = c as unknown as { width: number; height: number; getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 0) n++;
        return n;
      });
      assert.ok(painted > 500, `${id} drew something (${painted} px)`);
    }
    const rows = page.locator('.recent-table tbody tr');
    assert.equal(await rows.count(), 3);
    assert.equal(await page.locator('.key-usage tbody tr').count(), 1);
    await page.evaluate(`window.__push({ type: 'usage/record', record: { time: '2025-06-07T10:03:00Z', keyName: 'default', model: 'live-model-x', mappedModel: 'x', provider: 'openai', status: 200, inputTokens: 5, outputTokens: 7, latencyMs: 42 } })`);
    await page.locator('.recent-table tbody tr').nth(3).waitFor();
    assert.equal(await rows.count(), 4);
    assert.match((await rows.first().textContent()) ?? '', /live-model-x/, 'newest first');
  });

  it('shows Simplified Chinese strings when lang is zh-cn', async () => {
    const page = await open('?lang=zh-cn');
    const headers = await page.locator('vscode-tab-header').allTextContents();
    assert.deepEqual(headers.map((s) => s.trim()), ['服务商', '网关密钥', '模型映射', '用量', '客户端配置', '请求检查器']);
    assert.equal(await page.evaluate<string>('document.documentElement.lang'), 'zh-CN');
    assert.match((await page.locator('.gateway-status').textContent()) ?? '', /网关运行于/);
  });

  it('switches language when the host state says so', async () => {
    const page = await open();
    assert.equal((await page.locator('vscode-tab-header').first().textContent())?.trim(), 'Providers');
    await page.evaluate(`window.__push({ type: 'state/changed', state: { ...window.__hostState(), lang: 'zh-cn' } })`);
    await page.locator('vscode-tab-header', { hasText: '服务商' }).waitFor();
  });

  it('is keyboard usable: Tab reaches the Try button and Enter triggers it', async () => {
    const page = await open();
    await tab(page, 'mappings');
    await page.locator('#map-try input').fill('claude-sonnet-4');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<string>('document.activeElement.className + "|" + document.activeElement.tagName');
    assert.equal(focused, 'try-button|VSCODE-BUTTON');
    await page.keyboard.press('Enter');
    await waitSent(page, 'mapping/try');
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'mapping/try'), [{ type: 'mapping/try', model: 'claude-sonnet-4' }]);
    await page.locator('.try-result').getByText('anthropic/claude-sonnet-4').waitFor();
  });

  it('posts the typed messages for the other controls', async () => {
    const page = await open();
    await page.locator('vscode-button.gateway-toggle').click();
    await page.getByRole('button', { name: 'Edit anthropic' }).click();
    assert.equal(await page.locator('#provider-id input').inputValue(), 'anthropic');
    await page.locator('#provider-models input').fill('claude-sonnet-4, claude-opus-4');
    await page.locator('vscode-button.provider-save').click();
    await page.getByRole('button', { name: 'Test openai' }).click();
    await waitSent(page, 'provider/test');
    await page.evaluate(`window.__push({ type: 'provider/tested', id: 'openai', ok: true, message: 'ok', latencyMs: 87 })`);
    await page.locator('.provider-card[data-provider="openai"] .test-result', { hasText: 'OK (87 ms)' }).waitFor();
    await tab(page, 'setup');
    await page.locator('.setup-card[data-client="codex"] vscode-button', { hasText: 'Copy' }).click();
    await tab(page, 'inspector');
    await page.locator('#inspector-enabled').click();
    await page.locator('details.exchange summary').click();
    await page.locator('details.exchange vscode-button', { hasText: 'Copy as curl' }).click();
    await waitSent(page, 'inspector/copyCurl');
    const msgs = (await sent(page)).filter((m) => m.type !== 'panel/ready');
    assert.deepEqual(msgs, [
      { type: 'gateway/toggle', run: false },
      { type: 'provider/save', provider: { id: 'anthropic', type: 'anthropic', baseUrl: 'https://api.anthropic.com', headers: { 'anthropic-beta': 'tools-2024' }, models: ['claude-sonnet-4', 'claude-opus-4'], enabled: true } },
      { type: 'provider/test', id: 'openai' },
      { type: 'setup/copy', client: 'codex', keyId: 'gk1' },
      { type: 'inspector/toggle', enabled: true },
      { type: 'inspector/copyCurl', requestId: 'r1' },
    ]);
  });

  it('takes light and dark screenshots', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      const page = await open(`?theme=${theme}`);
      const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.equal(bg, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)');
      await page.screenshot({ path: path.join(ARTIFACTS, `panel-${theme}.png`), fullPage: true });
      await tab(page, 'usage');
      await page.locator('#chart-days').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, `panel-usage-${theme}.png`), fullPage: true });
      if (theme === 'dark') {
        await tab(page, 'gatewayKeys');
        await page.locator('#gk-name input').fill('laptop');
        await page.locator('#gk-name input').press('Enter');
        await page.locator('.created-key').waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, 'panel-keys-dark.png'), fullPage: true });
        for (const id of ['mappings', 'setup', 'inspector']) {
          await tab(page, id);
          await page.screenshot({ path: path.join(ARTIFACTS, `panel-${id}-dark.png`), fullPage: true });
        }
      }
      await context?.close();
      context = undefined;
    }
  });
});
