import * as tf from '@tensorflow/tfjs-core';
import { backendState } from './backend-state.js';

/**
 * Chained ops whose method is `x.name(...args) === tf.name(x, ...args)`. The list mirrors
 * tfjs-core 4.22 `dist/public/chained_ops/` (137 files: these 120 plus the special cases below).
 */
// prettier-ignore
const SAME_NAME_OPS = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan',
  'atan2', 'atanh', 'avgPool', 'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil',
  'clipByValue', 'conv1d', 'conv2d', 'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum',
  'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div', 'divNoNan', 'dot', 'elu', 'equal', 'erf',
  'euclideanNorm', 'exp', 'expandDims', 'expm1', 'fft', 'floor', 'floorDiv', 'gather', 'greater',
  'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu', 'less', 'lessEqual',
  'localResponseNormalization', 'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul', 'max', 'maxPool', 'maximum',
  'mean', 'min', 'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot',
  'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape',
  'reverse', 'rfft', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin', 'sinh',
  'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference',
  'squeeze', 'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose',
  'unique', 'unsortedSegmentSum', 'unstack', 'zerosLike',
] as const;

type Method = (this: tf.Tensor, ...args: never[]) => unknown;

function asTensors(x: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return x instanceof tf.Tensor ? [x] : x;
}

/** Chained ops that are not a same-name op applied to `this`. */
const SPECIAL_METHODS: Record<string, (this: tf.Tensor, ...args: never[]) => unknown> = {
  as1D(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  flatten(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  as2D(this: tf.Tensor, rows: number, columns: number) {
    return tf.reshape(this, [rows, columns]);
  },
  as3D(this: tf.Tensor, rows: number, columns: number, depth: number) {
    return tf.reshape(this, [rows, columns, depth]);
  },
  as4D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number) {
    return tf.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(this: tf.Tensor, r: number, c: number, d: number, d2: number, d3: number) {
    return tf.reshape(this, [r, c, d, d2, d3]);
  },
  asScalar(this: tf.Tensor) {
    tf.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tf.reshape(this, []);
  },
  asType(this: tf.Tensor, dtype: tf.DataType) {
    return tf.cast(this, dtype);
  },
  toBool(this: tf.Tensor) {
    return tf.cast(this, 'bool');
  },
  toFloat(this: tf.Tensor) {
    return tf.cast(this, 'float32');
  },
  toInt(this: tf.Tensor) {
    return tf.cast(this, 'int32');
  },
  reshapeAs(this: tf.Tensor, x: tf.Tensor) {
    return tf.reshape(this, x.shape);
  },
  concat(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.concat([this, ...asTensors(x)], axis);
  },
  stack(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.stack([this, ...asTensors(x)], axis);
  },
  where(this: tf.Tensor, condition: tf.Tensor, x: tf.Tensor) {
    return tf.where(condition, this, x);
  },
  resizeBilinear(
    this: tf.Tensor3D | tf.Tensor4D,
    size: [number, number],
    alignCorners?: boolean,
    halfPixelCenters?: boolean,
  ) {
    return tf.image.resizeBilinear(this, size, alignCorners, halfPixelCenters);
  },
  resizeNearestNeighbor(
    this: tf.Tensor3D | tf.Tensor4D,
    size: [number, number],
    alignCorners?: boolean,
    halfPixelCenters?: boolean,
  ) {
    return tf.image.resizeNearestNeighbor(this, size, alignCorners, halfPixelCenters);
  },
} as Record<string, Method>;

/**
 * Adds the chained tensor methods (`x.flatten()`, `x.matMul(y)`, ...) that tfjs-layers calls
 * and that importing only `@tensorflow/tfjs-core`'s Node bundle leaves out. The deep import
 * `@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops` is ESM without
 * `"type": "module"` and extensionless imports, so Node cannot load it; this is the same
 * table, bound to the tfjs-core instance seqpipe uses. Methods already present (for example
 * when the `@tensorflow/tfjs` umbrella registered them) are left alone. Idempotent.
 */
export function registerChainedOps(): void {
  const state = backendState();
  if (state.chainedOpsRegistered) return;
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, unknown>;
  const define = (name: string, method: Method): void => {
    if (typeof proto[name] === 'function') return;
    proto[name] = function (this: tf.Tensor, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  };
  for (const name of SAME_NAME_OPS) {
    const op = ops[name];
    if (typeof op !== 'function') continue;
    define(name, function (this: tf.Tensor, ...args: never[]) {
      return (op as (...a: unknown[]) => unknown)(this, ...args);
    });
  }
  for (const [name, method] of Object.entries(SPECIAL_METHODS)) define(name, method);
  state.chainedOpsRegistered = true;
}

/** Names of every chained method {@link registerChainedOps} provides (for tests). */
export const CHAINED_OP_NAMES: readonly string[] = [
  ...SAME_NAME_OPS,
  ...Object.keys(SPECIAL_METHODS),
];
