/** The embedded default config: providers built from the standard environment variables that are set. */
import type { GatewayConfigInput, ProviderConfig } from '../gateway/config';

type Env = NodeJS.ProcessEnv;

/** Providers for the API keys found in `env` (keys referenced as `env:VAR`, never copied). */
export function providersFromEnv(env: Env): ProviderConfig[] {
  const out: ProviderConfig[] = [];
  if (env.OPENAI_API_KEY) out.push({ id: 'openai', type: 'openai', baseUrl: env.OPENAI_BASE_URL || undefined, keys: ['env:OPENAI_API_KEY'] });
  if (env.ANTHROPIC_API_KEY) out.push({ id: 'anthropic', type: 'anthropic', baseUrl: anthropicBase(env.ANTHROPIC_BASE_URL), keys: ['env:ANTHROPIC_API_KEY'] });
  const gemini = env.GEMINI_API_KEY ? 'GEMINI_API_KEY' : env.GOOGLE_API_KEY ? 'GOOGLE_API_KEY' : undefined;
  if (gemini) out.push({ id: 'gemini', type: 'gemini', keys: [`env:${gemini}`] });
  if (env.DEEPSEEK_API_KEY) out.push({ id: 'deepseek', type: 'openai-compatible', baseUrl: 'https://api.deepseek.com/v1', keys: ['env:DEEPSEEK_API_KEY'], models: ['deepseek-chat', 'deepseek-reasoner'] });
  if (env.OPENROUTER_API_KEY) out.push({ id: 'openrouter', type: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', keys: ['env:OPENROUTER_API_KEY'] });
  return out;
}

/** Anthropic's SDK takes the root URL (no /v1); our provider base URLs include /v1. */
function anthropicBase(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

/** The Ollama base URL to probe: OLLAMA_HOST (host:port or URL) or the default. */
export function ollamaUrl(env: Env): string {
  const h = env.OLLAMA_HOST?.trim();
  if (!h) return 'http://127.0.0.1:11434';
  const withScheme = /^https?:\/\//.test(h) ? h : `http://${h}`;
  return withScheme.replace(/\/+$/, '').replace('://0.0.0.0', '://127.0.0.1');
}

/** Whether an Ollama server answers at `base` within `timeoutMs`. */
export async function ollamaAnswers(base: string, timeoutMs = 400): Promise<boolean> {
  try {
    const res = await fetch(`${base}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch { return false; }
}

/** The default config: env providers, plus Ollama when it answers; a catch-all mapping to the first provider. */
export async function defaultConfig(env: Env): Promise<GatewayConfigInput> {
  const providers = providersFromEnv(env);
  const ollama = ollamaUrl(env);
  if (await ollamaAnswers(ollama)) providers.push({ id: 'ollama', type: 'openai-compatible', baseUrl: `${ollama}/v1`, keys: [] });
  return { providers };
}
