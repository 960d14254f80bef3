import type * as tf from '@tensorflow/tfjs-core';

/**
 * A `[batch, time]` mask as the fused kernels take it: one float32 per (batch row, step) in the
 * order the kernel runs the steps (reversed for `goBackwards`, like the input), 1 = run the
 * step, 0 = skip it (states carry over). Any nonzero value keeps a step, as tfjs-layers' cast to
 * bool does. `null` when there is no mask or it keeps every step: the kernels' no-mask path.
 */
export function kernelMask(
  name: string,
  mask: tf.Tensor | null,
  B: number,
  T: number,
  goBackwards: boolean,
): Float32Array | null {
  if (mask === null) return null;
  if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T) {
    throw new Error(
      `${name}: mask ${JSON.stringify(mask.shape)} does not fit the input: expected [${B}, ${T}] ` +
        '([batch, time], nonzero = keep the step)',
    );
  }
  const data = mask.dataSync();
  const out = new Float32Array(B * T);
  let all = true;
  for (let bb = 0; bb < B; bb++) {
    for (let t = 0; t < T; t++) {
      const keep = data[bb * T + (goBackwards ? T - 1 - t : t)] !== 0;
      out[bb * T + t] = keep ? 1 : 0;
      all &&= keep;
    }
  }
  return all ? null : out;
}
