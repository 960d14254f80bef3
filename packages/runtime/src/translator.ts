import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { SeqpipeError } from '@seqpipe/errors';
import { END_ID, START_ID, type Vocabulary } from '@seqpipe/text';
import { beamSearch, greedySearch, type DecoderStep, type Hypothesis } from './sequence-search.js';
import type { Seq2seqManifest } from './seq2seq-manifest.js';

export interface TranslateOptions {
  /** Default: the pipeline's `model.decode.strategy`. */
  readonly strategy?: 'greedy' | 'beam';
  /** Default: the pipeline's `model.decode.beamWidth`. */
  readonly beamWidth?: number;
  /** Longest output in tokens. Default: the pipeline's `model.decode.maxLength`. */
  readonly maxLength?: number;
}

/** One translation: the output text, its tokens and its summed log-probability. */
export interface Translation {
  readonly text: string;
  readonly translation: string;
  readonly tokens: readonly string[];
  readonly logProb: number;
  /** False when decoding was cut at maxLength before the end token. */
  readonly finished: boolean;
}

/** Sources decoded together by greedy search. */
const GREEDY_BATCH = 64;

/**
 * A loaded seq2seq artifact: source texts in, translations out, by greedy or beam search over
 * the inference encoder and decoder-step models. Edge-safe (no fs, no code generation). Call
 * `dispose()` when done.
 */
export class Translator {
  constructor(
    readonly manifest: Seq2seqManifest,
    readonly input: Vocabulary,
    readonly target: Vocabulary,
    readonly encoder: LayersModel,
    readonly decoder: LayersModel,
  ) {}

  /** Source ids as the encoder saw them in training, cut to the training's longest source. */
  encode(text: string): number[] {
    return this.input.encode(text).slice(0, this.manifest.seq2seq.inputMaxLength);
  }

  async translate(
    texts: readonly string[],
    options: TranslateOptions = {},
  ): Promise<Translation[]> {
    const bad = texts.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) {
      throw new SeqpipeError(
        'SEQPIPE_RUNTIME_INPUT',
        `texts[${bad}] is not a string: translate takes an array of strings.`,
      );
    }
    const decode = this.manifest.seq2seq.decode;
    const strategy = options.strategy ?? decode.strategy;
    const beamWidth = options.beamWidth ?? decode.beamWidth;
    const search = {
      startId: START_ID,
      endId: END_ID,
      maxLength: options.maxLength ?? decode.maxLength,
    };
    const results: Hypothesis[] = [];
    if (strategy === 'greedy' || beamWidth <= 1) {
      for (let i = 0; i < texts.length; i += GREEDY_BATCH) {
        const batch = texts.slice(i, i + GREEDY_BATCH);
        results.push(...greedySearch(this.step, this.encodeStates(batch), search));
      }
    } else {
      for (const text of texts) {
        results.push(beamSearch(this.step, this.encodeStates([text]), { ...search, beamWidth }));
      }
    }
    return results.map((h, i) => ({
      text: texts[i] as string,
      translation: this.target.decode(h.ids),
      tokens: this.target.decodeTokens(h.ids),
      logProb: h.score,
      finished: h.finished,
    }));
  }

  /** The encoder's final states for a batch of sources (padding is masked, so lengths may differ). */
  encodeStates(texts: readonly string[]): tf.Tensor[] {
    const ids = texts.map((t) => this.encode(t));
    const width = Math.max(1, ...ids.map((row) => row.length));
    const flat = new Int32Array(ids.length * width);
    ids.forEach((row, r) => flat.set(row, r * width));
    return tf.tidy(() => {
      const x = tf.tensor2d(flat, [ids.length, width], 'int32');
      const out = this.encoder.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
      return Array.isArray(out) ? out : [out];
    });
  }

  /** One decoder step over rows of hypotheses: log-probabilities of the next token and the new states. */
  readonly step: DecoderStep = (tokens, states) => {
    const outputs = tf.tidy(() => {
      const x = tf.tensor2d(Int32Array.from(tokens), [tokens.length, 1], 'int32');
      const out = this.decoder.apply([x, ...states], { training: false }) as tf.Tensor[];
      const [probs, ...next] = out;
      const logProbs = tf.log(
        tf.clipByValue(tf.reshape(probs as tf.Tensor, [tokens.length, -1]), 1e-12, 1),
      );
      return [logProbs, ...next];
    });
    const [logProbs, ...next] = outputs;
    const values = (logProbs as tf.Tensor).dataSync() as Float32Array;
    (logProbs as tf.Tensor).dispose();
    const depth = values.length / tokens.length;
    return {
      logProbs: tokens.map((_, r) => values.slice(r * depth, (r + 1) * depth)),
      states: next,
    };
  };

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
