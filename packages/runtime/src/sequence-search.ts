import * as tf from '@tensorflow/tfjs-core';

/**
 * One decoder step for `rows` hypotheses: the previous token of each row and the recurrent
 * states ([rows, units] each) in; log-probabilities of the next token per row and the new
 * states out. The search owns (and disposes) the states it passes and receives.
 */
export type DecoderStep = (
  tokens: readonly number[],
  states: readonly tf.Tensor[],
) => { logProbs: Float32Array[]; states: tf.Tensor[] };

export interface SearchOptions {
  readonly startId: number;
  readonly endId: number;
  /** Longest output in tokens, end token excluded. */
  readonly maxLength: number;
}

/** A decoded sequence: ids without start and end, and its summed log-probability. */
export interface Hypothesis {
  readonly ids: number[];
  readonly score: number;
  /** True when the end token was emitted (false: cut at maxLength). */
  readonly finished: boolean;
}

/**
 * Greedy decoding of a batch: at every step each row takes its most likely token; a row
 * stops at the end token, all stop at `maxLength`. `states` are the encoder's states for
 * the batch (one row per source); they are disposed.
 */
export function greedySearch(
  step: DecoderStep,
  states: tf.Tensor[],
  options: SearchOptions,
): Hypothesis[] {
  const rows = states[0]?.shape[0] ?? 0;
  const ids: number[][] = Array.from({ length: rows }, () => []);
  const scores = new Array<number>(rows).fill(0);
  const done = new Array<boolean>(rows).fill(false);
  const ended = new Array<boolean>(rows).fill(false);
  let tokens = new Array<number>(rows).fill(options.startId);
  let current = states;
  try {
    for (let t = 0; t < options.maxLength + 1 && done.some((d) => !d); t++) {
      const out = step(tokens, current);
      tf.dispose(current);
      current = out.states;
      tokens = out.logProbs.map((row, r) => {
        if (done[r]) return options.endId;
        const best = argMax(row);
        if (best !== options.endId && t >= options.maxLength) {
          done[r] = true; // maxLength reached: the token past it is not kept
          return best;
        }
        scores[r] = (scores[r] ?? 0) + (row[best] ?? -Infinity);
        if (best === options.endId) done[r] = ended[r] = true;
        else (ids[r] as number[]).push(best);
        return best;
      });
    }
  } finally {
    tf.dispose(current);
  }
  return ids.map((seq, r) => ({
    ids: seq,
    score: scores[r] ?? 0,
    finished: ended[r] === true,
  }));
}

interface Beam {
  ids: number[];
  score: number;
  finished: boolean;
  /** The end token was emitted (a finished beam without it was cut at maxLength). */
  ended: boolean;
  /** Row of this beam's state in the current state tensors. */
  row: number;
}

/**
 * Beam search for one source: keeps the `beamWidth` best prefixes by summed log-probability;
 * a prefix that emits the end token is finished and competes with the others as it is. Stops
 * when every kept hypothesis is finished or at `maxLength`. Scores are not length-normalised,
 * and the greedy result is a candidate too, so the result never scores below greedy decoding;
 * with width 1 it is the greedy result. `states` (one row) are disposed.
 */
export function beamSearch(
  step: DecoderStep,
  states: tf.Tensor[],
  options: SearchOptions & { readonly beamWidth: number },
): Hypothesis {
  const greedyStates = states.map((s) => tf.clone(s));
  const greedy = greedySearch(step, greedyStates, options)[0] as Hypothesis;
  if (options.beamWidth <= 1) {
    tf.dispose(states);
    return greedy;
  }
  let beams: Beam[] = [{ ids: [], score: 0, finished: false, ended: false, row: 0 }];
  let current = states;
  try {
    for (let t = 0; t <= options.maxLength; t++) {
      const active = beams.filter((b) => !b.finished);
      if (active.length === 0) break;
      const rows = tf.tidy(() => {
        const index = tf.tensor1d(
          active.map((b) => b.row),
          'int32',
        );
        return current.map((s) => tf.gather(s, index));
      });
      tf.dispose(current);
      const out = step(
        active.map((b) =>
          b.ids.length === 0 ? options.startId : (b.ids[b.ids.length - 1] as number),
        ),
        rows,
      );
      tf.dispose(rows);
      current = out.states;
      const candidates: Beam[] = beams.filter((b) => b.finished);
      active.forEach((beam, r) => {
        const logProbs = out.logProbs[r] as Float32Array;
        for (const id of topK(logProbs, options.beamWidth)) {
          const score = beam.score + (logProbs[id] ?? -Infinity);
          if (id === options.endId)
            candidates.push({ ids: beam.ids, score, finished: true, ended: true, row: r });
          else if (t < options.maxLength)
            candidates.push({
              ids: [...beam.ids, id],
              score,
              finished: false,
              ended: false,
              row: r,
            });
        }
        if (t >= options.maxLength) {
          // cut at maxLength: the prefix as it is competes too
          candidates.push({ ...beam, finished: true, ended: false });
        }
      });
      candidates.sort((a, b) => b.score - a.score);
      beams = candidates.slice(0, options.beamWidth);
    }
  } finally {
    tf.dispose(current);
  }
  const best = beams.reduce((a, b) => (b.score > a.score ? b : a));
  return best.score >= greedy.score
    ? { ids: best.ids, score: best.score, finished: best.ended }
    : greedy;
}

function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

function topK(values: Float32Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => (values[b] ?? -Infinity) - (values[a] ?? -Infinity))
    .slice(0, k);
}
