/** The small request rewriters for strict upstreams. */
import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/gateway/core/model';
import { developerToSystem } from '../../../src/gateway/providers/quirks/developer-to-system';
import { noStreamOptions } from '../../../src/gateway/providers/quirks/no-stream-options';
import { reasoningEffortOnlyForReasoningModels } from '../../../src/gateway/providers/quirks/reasoning-effort-models';
import { stripClaudeAttribution } from '../../../src/gateway/providers/quirks/strip-claude-attribution';
import { stripReasoningContent } from '../../../src/gateway/providers/quirks/strip-reasoning-content';
import { fitOpenAIUser } from '../../../src/gateway/core/user-id';
import { toolsFromHistory } from '../../../src/gateway/providers/quirks/tools-from-history';
import { cacheBreakpoints } from '../../../src/gateway/providers/quirks/cache-breakpoints';

const ctx = (model: string) => ({ providerId: 'p', upstreamModel: model, baseUrl: 'http://127.0.0.1:1' });

describe('small quirks', () => {
  it('strip-reasoning-content drops reasoning_content from assistant messages only', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_content: 'think' }] };
    const out = stripReasoningContent.wireBody!(body, ctx('m'));
    assert.deepEqual(out.messages, [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }]);
    assert.equal((body.messages[1] as { reasoning_content?: string }).reasoning_content, 'think', 'input not mutated');
  });

  it('developer-to-system renames only the developer role', () => {
    const out = developerToSystem.wireBody!({ messages: [{ role: 'developer', content: 'x' }, { role: 'user', content: 'y' }] }, ctx('m'));
    assert.deepEqual(out.messages, [{ role: 'system', content: 'x' }, { role: 'user', content: 'y' }]);
  });

  it('no-stream-options removes stream_options and nothing else', () => {
    assert.deepEqual(noStreamOptions.wireBody!({ stream: true, stream_options: { include_usage: true }, n: 1 }, ctx('m')), { stream: true, n: 1 });
  });

  it('reasoning_effort reaches reasoning models only', () => {
    const body = { model: 'x', reasoning_effort: 'high' };
    assert.equal('reasoning_effort' in reasoningEffortOnlyForReasoningModels.wireBody!(body, ctx('gpt-4o')), false);
    assert.equal(reasoningEffortOnlyForReasoningModels.wireBody!(body, ctx('o3-mini')).reasoning_effort, 'high');
    assert.equal(reasoningEffortOnlyForReasoningModels.wireBody!(body, ctx('gpt-5.1')).reasoning_effort, 'high');
  });

  it('strip-claude-attribution removes only the billing block of the system prompt', () => {
    const req: ChatRequest = {
      model: 'm', stream: false,
      messages: [
        { role: 'system', parts: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.330.d01; cc_entrypoint=sdk-cli;' }, { type: 'text', text: 'You are Claude Code.' }] },
        { role: 'system', parts: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1' }] },
        { role: 'user', parts: [{ type: 'text', text: 'x-anthropic-billing-header: user text stays' }] },
      ],
    };
    const out = stripClaudeAttribution.request!(req, ctx('m'));
    assert.deepEqual(out.messages, [
      { role: 'system', parts: [{ type: 'text', text: 'You are Claude Code.' }] },
      { role: 'user', parts: [{ type: 'text', text: 'x-anthropic-billing-header: user text stays' }] },
    ]);
    const plain: ChatRequest = { model: 'm', stream: false, messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }] };
    assert.equal(stripClaudeAttribution.request!(plain, ctx('m')), plain, 'unchanged requests are returned as is');
  });

  it('long user ids become a stable 64-character hash; short ones pass', () => {
    assert.equal(fitOpenAIUser('alice'), 'alice');
    const long = JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: 's'.repeat(36) });
    assert.equal(fitOpenAIUser(long).length, 64);
    assert.equal(fitOpenAIUser(long), fitOpenAIUser(long));
    assert.notEqual(fitOpenAIUser(long), fitOpenAIUser(long + 'x'));
  });

  it('tools-from-history defines tools that the history uses but the request does not declare', () => {
    const req: ChatRequest = {
      model: 'm', stream: false,
      messages: [
        { role: 'assistant', parts: [{ type: 'tool-call', callId: 'c1', name: 'shell', argsJson: '{}' }] },
        { role: 'tool', parts: [{ type: 'tool-result', callId: 'c1', name: 'shell', content: [{ type: 'text', text: 'ok' }] }] },
      ],
    };
    const out = toolsFromHistory.request!(req, ctx('m'));
    assert.deepEqual(out.tools?.map((t) => t.name), ['shell']);
    assert.deepEqual(out.toolChoice, { type: 'none' }, 'no tool was offered this turn');
    const declared = { ...req, tools: [{ name: 'shell', parameters: { type: 'object' } }] };
    assert.equal(toolsFromHistory.request!(declared, ctx('m')), declared);
  });

  it('cache-breakpoints marks an untagged translated Anthropic body without touching the input', () => {
    const body = {
      model: 'claude', max_tokens: 10, system: [{ type: 'text', text: 'sys' }],
      tools: [{ name: 't', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }, { role: 'assistant', content: [{ type: 'text', text: 'b' }] }, { role: 'user', content: [{ type: 'text', text: 'c' }] }],
    };
    const out = cacheBreakpoints.wireBody!(body, ctx('claude'));
    const marks = JSON.stringify(out).split('"cache_control"').length - 1;
    assert.ok(marks >= 2 && marks <= 4, `${marks} breakpoints`);
    assert.equal(JSON.stringify(body).includes('cache_control'), false, 'input not mutated');
  });
});
