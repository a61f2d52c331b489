/**
 * Runs the real Claude Code CLI (devDependency @anthropic-ai/claude-code) offline against a local gateway, and a
 * keyed fake OpenAI upstream that scripts replies by what a request contains rather than by arrival order.
 *
 * Launching: `npm ci` runs no install scripts (npm 11 gates them), so `node_modules/.bin/claude` may still be the
 * package's placeholder. The package ships `cli-wrapper.cjs`, its own fallback launcher that finds the native
 * binary in the platform package (an optionalDependency npm does install), so we always go through it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIReply } from './fake-openai';
import { startFakeServer, type FakeServer, type LoggedRequest } from './fake-server';

/** Where the Claude Code wrapper script lives, or undefined when the package is not installed. */
export function claudeWrapperPath(): string | undefined {
  const req = createRequire(__filename);
  try {
    return path.join(path.dirname(req.resolve('@anthropic-ai/claude-code/package.json')), 'cli-wrapper.cjs');
  } catch {
    return undefined;
  }
}

/**
 * Environment switches that keep Claude Code off the network apart from its API base URL: no telemetry, error
 * reports, auto-update, feature flags (GrowthBook), feedback surveys or background model calls.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_UPDATES: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  DISABLE_FEEDBACK_COMMAND: '1',
  DISABLE_GROWTHBOOK: '1',
  DISABLE_INSTALLATION_CHECKS: '1',
  DISABLE_NON_ESSENTIAL_MODEL_CALLS: '1',
  DISABLE_COST_WARNINGS: '1',
  CLAUDE_CODE_ENABLE_TELEMETRY: '0',
  CLAUDE_CODE_DISABLE_FEATURE_FLAGS: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
  CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
  CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
  CLAUDE_CODE_SKIP_PROMPT_HISTORY: '1',
  CLAUDE_CODE_DISABLE_WEB_FETCH: '1',
};

/** How to run Claude Code once. */
export interface ClaudeRun {
  /** Gateway root, without `/v1` (Claude Code appends `/v1/messages`). */
  baseUrl: string;
  /** Gateway key. */
  token: string;
  /** How the key is passed: `ANTHROPIC_AUTH_TOKEN` (Authorization: Bearer, the default) or `ANTHROPIC_API_KEY` (x-api-key). Never both. */
  auth?: 'auth-token' | 'api-key';
  model: string;
  args: string[];
  /** Working directory (a fresh temp folder when absent). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the whole process group after this long. Default 75 s. */
  timeoutMs?: number;
}

/** What a run produced. */
export interface ClaudeResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }

/** A fresh environment: nothing inherited but PATH, so no user key, proxy or config leaks in. HOME is a temp dir. */
export function claudeEnv(run: Pick<ClaudeRun, 'baseUrl' | 'token' | 'auth' | 'model' | 'env'>, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    TMPDIR: os.tmpdir(),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    NO_PROXY: '127.0.0.1,localhost',
    ...OFFLINE_ENV,
    ANTHROPIC_BASE_URL: run.baseUrl,
    [run.auth === 'api-key' ? 'ANTHROPIC_API_KEY' : 'ANTHROPIC_AUTH_TOKEN']: run.token,
    ANTHROPIC_MODEL: run.model,
    // Background and sub-agent calls use the "small fast" model; point it at the same upstream model.
    ANTHROPIC_DEFAULT_HAIKU_MODEL: run.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: run.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: run.model,
    ...run.env,
  };
}

/** Runs `claude <args>` to completion (or the timeout), collecting stdout and stderr. */
export async function runClaude(run: ClaudeRun): Promise<ClaudeResult> {
  const wrapper = claudeWrapperPath();
  if (!wrapper) throw new Error('@anthropic-ai/claude-code is not installed (it is a devDependency: run npm ci)');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cc-home-'));
  const cwd = run.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cc-work-'));
  // detached: the wrapper spawns the native binary as its child; a timeout must kill both (the process group).
  const child = spawn(process.execPath, [wrapper, ...run.args], { cwd, env: claudeEnv(run, home), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, run.timeoutMs ?? 75_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  }).finally(() => {
    clearTimeout(timer);
    fs.rmSync(home, { recursive: true, force: true });
    if (!run.cwd) fs.rmSync(cwd, { recursive: true, force: true });
  });
  return { code, signal, stdout, stderr, timedOut };
}

/** Decides a scripted reply for a chat request body, or undefined for the fake's default (echo) behaviour. */
export type ReplyRule = (body: Record<string, unknown>) => FakeOpenAIReply | undefined;

/** A fake OpenAI upstream whose replies are chosen per request. */
export interface KeyedFakeOpenAI {
  /** The front server the gateway talks to; `requests` logs every request it received. */
  front: FakeServer;
  /** Base URL including `/v1`, for the provider config. */
  baseURL: string;
  /** Chat requests the front received, in order. */
  chatRequests(): LoggedRequest[];
  /** Replaces the rule. */
  setRule(rule: ReplyRule): void;
  close(): Promise<void>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function forward(to: FakeOpenAI, req: LoggedRequest, res: http.ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
  const up = await fetch(`${to.url}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.rawBody });
  const body = Buffer.from(await up.arrayBuffer());
  const out: Record<string, string> = {};
  up.headers.forEach((v, k) => { if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v; });
  res.writeHead(up.status, out);
  res.end(body);
}

/**
 * Starts a keyed fake: every request is logged by a front server, then answered by one of two fake-openai
 * instances: the scripted one (after enqueuing the rule's reply) or the plain one (default echo replies).
 * Scripted requests are forwarded one at a time so each consumes exactly the reply enqueued for it.
 */
export async function startKeyedFakeOpenAI(rule: ReplyRule = () => undefined): Promise<KeyedFakeOpenAI> {
  const scripted = await startFakeOpenAI();
  const plain = await startFakeOpenAI();
  let current = rule;
  let chain: Promise<void> = Promise.resolve();
  const isChat = (r: LoggedRequest): boolean => r.method === 'POST' && /^\/(v1\/)?chat\/completions\/?(\?|$)/.test(r.url);
  const front = await startFakeServer(async (req, res) => {
    const reply = isChat(req) && isObj(req.body) ? current(req.body) : undefined;
    if (!reply) return forward(plain, req, res);
    const turn = chain.then(async () => { scripted.enqueue(reply); await forward(scripted, req, res); });
    chain = turn.catch(() => undefined);
    return turn;
  });
  return {
    front,
    baseURL: `${front.url}/v1`,
    chatRequests: () => front.requests.filter(isChat),
    setRule: (r) => { current = r; },
    close: async () => { await front.close(); await scripted.close(); await plain.close(); },
  };
}

/** Names of the function tools an OpenAI chat request declares. */
export function declaredTools(body: Record<string, unknown>): string[] {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  return tools.map((t) => (isObj(t) && isObj(t.function) && typeof t.function.name === 'string' ? t.function.name : '')).filter(Boolean);
}

/** The chat messages of an OpenAI request body. */
export function chatMessages(body: unknown): Array<Record<string, unknown>> {
  return isObj(body) && Array.isArray(body.messages) ? body.messages.filter(isObj) : [];
}
