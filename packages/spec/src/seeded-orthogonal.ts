import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { normalRandom } from './derive-seed.js';

/** tfjs-layers' Initializer class (not exported by name; every initializer extends it). */
type Initializer = ReturnType<typeof tfl.initializers.glorotUniform>;
const InitializerBase = Object.getPrototypeOf(
  tfl.initializers.zeros().constructor,
) as abstract new () => Initializer;

/**
 * Row-major values of a random orthogonal [rows, cols] matrix, as Keras' Orthogonal:
 * a normal [max, min] matrix, its QR factorization with R's diagonal made positive (here:
 * Gram-Schmidt with re-orthogonalization, in float64), transposed when rows < cols, times gain.
 */
export function orthogonalValues(
  rows: number,
  cols: number,
  gain: number,
  seed: number,
): Float32Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const normal = normalRandom(seed);
  const columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const q of columns) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += (q[i] as number) * (v[i] as number);
        for (let i = 0; i < m; i++) v[i] = (v[i] as number) - dot * (q[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] = (v[i] as number) / norm;
    columns.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Q is m x n (column j = columns[j]); the result is Q when rows >= cols, else Q^T.
      out[r * cols + c] =
        gain *
        (rows >= cols
          ? ((columns[c] as Float64Array)[r] as number)
          : ((columns[r] as Float64Array)[c] as number));
    }
  }
  return out;
}

/**
 * Seeded orthogonal initializer computed in JavaScript: bit-identical on every backend.
 * It serializes as `Orthogonal` with Keras' config (`gain`, `seed`), and importing this
 * module registers it as tfjs' `Orthogonal` class: tfjs-layers' own Orthogonal calls chained
 * tensor methods (`rMat.flatten()`) that `@tensorflow/tfjs-core` alone does not install, so
 * without this `tf.loadLayersModel` of any LSTM/GRU/SimpleRNN model fails in Node
 * ("rMat.flatten is not a function"). A config without a seed draws one at random, as tfjs does.
 */
export class SeededOrthogonal extends InitializerBase {
  static className = 'Orthogonal';
  readonly gain: number;
  readonly seed: number;

  constructor(args: { seed?: number | null | undefined; gain?: number | null | undefined } = {}) {
    super();
    this.seed = args.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.gain = args.gain ?? 1;
  }

  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (shape.length < 2) {
      throw new Error(
        `Orthogonal initializer needs a shape of rank >= 2, got [${shape.join(', ')}]`,
      );
    }
    const cols = shape[shape.length - 1] as number;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return tf.tensor(orthogonalValues(rows, cols, this.gain, this.seed), shape, dtype ?? 'float32');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, seed: this.seed };
  }
}

// The static `fromConfig` is inherited from tfjs' Serializable (`new cls(config)`).
tf.serialization.registerClass(
  SeededOrthogonal as unknown as tf.serialization.SerializableConstructor<SeededOrthogonal>,
);
