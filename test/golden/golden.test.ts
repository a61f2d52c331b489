/**
 * The golden suite (architecture B6): every hand-written upstream.<p>.sse is decoded with the real SSE decoder at
 * several chunkings, compared with its canonical golden, re-encoded for every inbound protocol, compared with the
 * expected.<q>.sse goldens, checked by an independent strict grammar validator, and decoded back for a round trip.
 * UPDATE_GOLDEN=1 rewrites goldens; the validators still run, so a regenerated golden cannot hide a malformed stream.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChatRequest, ProtocolId, StreamEvent } from '../../src/gateway/core/model';
import { runSteps } from '../../src/gateway/core/stream';
import { decodeSseText } from '../../src/gateway/sse/decode';
import { encodeSse } from '../../src/gateway/sse/encode';
import type { SseEvent } from '../../src/gateway/sse/types';
import { PROTOCOL_IDS, protocols } from '../../src/gateway/protocols';
import { validateAnthropicStream } from '../helpers/validators/anthropic-messages';
import { validateGeminiStream } from '../helpers/validators/gemini';
import { validateOpenAIChatStream } from '../helpers/validators/openai-chat';
import { validateOpenAIResponsesStream } from '../helpers/validators/openai-responses';
import {
  type Recording, decodeChunks, loadRecordings, matchGolden, normalizeIds, readGolden, serializableEvent, splitEvery, splitRandom,
  withFixedClock,
} from './scenarios';
import { summarize } from './summary';

/** The strict validator for each protocol's stream grammar. */
function validate(protocol: ProtocolId, events: SseEvent[], req: ChatRequest): string[] {
  switch (protocol) {
    case 'openai-chat': return validateOpenAIChatStream(events, { includeUsage: req.includeUsage === true });
    case 'anthropic-messages': return validateAnthropicStream(events);
    case 'gemini': return validateGeminiStream(events);
    case 'openai-responses': return validateOpenAIResponsesStream(events);
  }
}

const recordings = loadRecordings();

/** Canonical events of a recording, decoded from one chunking of its bytes. */
async function decodeRecording(rec: Recording, chunks: Uint8Array[]): Promise<StreamEvent[]> {
  return runSteps(await decodeChunks(chunks), protocols[rec.protocol].decodeStream());
}

const canonicalText = (rec: Recording, events: StreamEvent[]): string =>
  normalizeIds(`${JSON.stringify(events.map(serializableEvent), null, 2)}\n`, rec.bytes.toString('utf8'));

describe('golden scenarios', () => {
  it('finds the hand-written upstream recordings', () => {
    assert.ok(recordings.length >= 20, `only ${recordings.length} recordings`);
    for (const p of PROTOCOL_IDS) assert.ok(recordings.some((r) => r.protocol === p), `no recording from ${p}`);
  });

  for (const rec of recordings) {
    const out = join(rec.dir, `from-${rec.protocol}`);
    describe(`${rec.scenario} from ${rec.protocol}`, () => {
      it('is itself a valid upstream stream', () => {
        const events = decodeSseText(rec.bytes.toString('utf8'));
        // Upstream requests always ask for usage or not depending on the provider, so OpenAI usage is not pinned here.
        const violations = rec.protocol === 'openai-chat' ? validateOpenAIChatStream(events) : validate(rec.protocol, events, rec.request);
        assert.deepEqual(violations, []);
      });

      it('decodes identically at 1 byte, 7 bytes, whole file and a seeded random split', async () => {
        const whole = canonicalText(rec, await decodeRecording(rec, splitEvery(rec.bytes, Infinity)));
        for (const [label, chunks] of [['1 byte', splitEvery(rec.bytes, 1)], ['7 bytes', splitEvery(rec.bytes, 7)],
          ['random', splitRandom(rec.bytes, 0x5eed)]] as const) {
          assert.equal(canonicalText(rec, await decodeRecording(rec, [...chunks])), whole, `split ${label}`);
        }
        matchGolden(join(out, 'canonical.json'), whole);
      });

      for (const target of PROTOCOL_IDS) {
        it(`encodes for ${target} clients: golden, strict grammar, round trip`, async () => {
          const canonical = await decodeRecording(rec, splitEvery(rec.bytes, Infinity));
          const frames = withFixedClock(() => runSteps(canonical, protocols[target].encodeStream(rec.request)));
          const sse = normalizeIds(frames.map(encodeSse).join(''), rec.bytes.toString('utf8'));
          const path = join(out, `expected.${target}.sse`);
          matchGolden(path, sse);

          const events = decodeSseText(readGolden(path));
          assert.deepEqual(validate(target, events, rec.request), [], `${path} breaks the ${target} stream grammar`);

          const back = runSteps(events, protocols[target].decodeStream());
          assert.deepEqual(summarize(back), summarize(canonical), `round trip through ${target}`);
        });
      }
    });
  }
});
