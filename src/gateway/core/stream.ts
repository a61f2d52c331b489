/** Pure, synchronous stream steps and the one generic async driver that runs them. */

/** A stateful transformation: `step` maps one input to zero or more outputs, `finish` flushes. */
export interface StreamStep<In, Out> {
  step(input: In): Out[];
  finish(): Out[];
}

/** Runs a step over an async source. Returning early (consumer gone) propagates to the source. */
export async function* mapStream<In, Out>(source: AsyncIterable<In>, s: StreamStep<In, Out>): AsyncGenerator<Out> {
  for await (const input of source) yield* s.step(input);
  yield* s.finish();
}

/** Feeds a whole array through a step; for tests and for aggregating. */
export function runSteps<In, Out>(inputs: Iterable<In>, s: StreamStep<In, Out>): Out[] {
  const out: Out[] = [];
  for (const i of inputs) out.push(...s.step(i));
  out.push(...s.finish());
  return out;
}

/** Chains two steps into one. */
export function pipeSteps<A, B, C>(first: StreamStep<A, B>, second: StreamStep<B, C>): StreamStep<A, C> {
  const feed = (bs: B[]): C[] => { const out: C[] = []; for (const b of bs) out.push(...second.step(b)); return out; };
  return {
    step: (a) => feed(first.step(a)),
    finish: () => [...feed(first.finish()), ...second.finish()],
  };
}
