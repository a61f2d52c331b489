import * as assert from 'assert';
import * as vscode from 'vscode';
import { getApi, harnessUrl } from './helpers';

describe('panel', () => {
  before(async () => { await getApi(); });

  it('openPanel opens a webview that renders', async function () {
    await vscode.commands.executeCommand('switchboard.openPanel');
    if (!harnessUrl) return this.skip(); // webview text is only reachable through the web harness
    let texts: string[] = [];
    // Bounded poll: the webview renders in the browser, the host cannot await it.
    for (let i = 0; i < 80 && !texts.some((t) => t.trim().length > 0 && t.includes('Switchboard')); i++) {
      await new Promise((r) => setTimeout(r, 250));
      texts = ((await (await fetch(`${harnessUrl}/webview-text`)).json()) as { texts: string[] }).texts;
    }
    await fetch(`${harnessUrl}/screenshot?name=panel`);
    assert.ok(texts.some((t) => t.includes('Switchboard')), JSON.stringify(texts).slice(0, 2000));
  });
});
