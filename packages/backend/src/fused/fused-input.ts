import * as tf from '@tensorflow/tfjs-core';
import { sumTensor, tensorFromBlocks } from './batch-split.js';
import type { KernelCall } from './kernel-host.js';

/**
 * How a fused recurrent call gets its input rows `x [B,T,E]`: copied in as they are, or — when
 * `x` is an Embedding layer's output — as the distinct tokens of each slice, looked up in the
 * embedding table inside the kernel. An IMDB batch has 32,000 input rows but at most 10,000
 * distinct words: the input projection `x·W` and its gradients are then computed once per
 * distinct word (`project_tokens` in csrc/fused_rnn.c), the 4 MB `x` never enters the kernel's
 * memory, the Embedding's gradient comes out as the table's gradient (no `dx`, no
 * `UnsortedSegmentSum`), and `goBackwards` reverses token ids instead of `x`.
 */

/** An Embedding layer's call: its table `[V,E]` and the token ids it looked up, row-major. */
interface TokenLookup {
  readonly table: tf.Tensor;
  readonly ids: Int32Array;
  /** The output holds zeros, not the embeddings: {@link materializeTokens} computes them. */
  readonly placeholder: boolean;
}

const lookups = new WeakMap<tf.Tensor, TokenLookup>();

/**
 * Records that `output` `[..., E]` is `table` `[V,E]` gathered at `ids` (an Embedding layer's
 * call): a fused recurrent layer given `output` as its input then reads the tokens instead.
 * `table` must be the variable itself, so that its gradient reaches the optimizer.
 */
export function recordTokenLookup(output: tf.Tensor, table: tf.Tensor, ids: tf.Tensor): void {
  const tokens = validTokens(table, ids);
  if (tokens !== undefined) lookups.set(output, { table, ids: tokens, placeholder: false });
}

/**
 * An Embedding layer's output `[...ids.shape, E]` as zeros, recorded like
 * {@link recordTokenLookup} but without gathering the embeddings (a 4 MB copy for an IMDB batch),
 * for a layer whose every consumer is a fused recurrent layer: those read the tokens, and call
 * {@link materializeTokens} before running tfjs-layers' own code. Undefined for ids outside the
 * table (the caller runs the real lookup, which reports them).
 */
export function tokenPlaceholder(table: tf.Tensor, ids: tf.Tensor): tf.Tensor | undefined {
  const tokens = validTokens(table, ids);
  if (tokens === undefined) return undefined;
  // fill runs as one backend kernel (a memset on wasm); zeros would upload a JS array.
  const output = tf.fill([...ids.shape, table.shape[1]!], 0);
  lookups.set(output, { table, ids: tokens, placeholder: true });
  return output;
}

/** `x` itself, or for a {@link tokenPlaceholder} the embeddings it stands for. */
export function materializeTokens(x: tf.Tensor): tf.Tensor {
  const lookup = lookups.get(x);
  if (lookup?.placeholder !== true) return x;
  return tf.tidy(() =>
    tf.reshape(tf.gather(lookup.table, tf.tensor1d(lookup.ids, 'int32')), x.shape),
  );
}

/** The ids as int32 (tfjs-layers' Embedding casts, truncating like this), if all are in the table. */
function validTokens(table: tf.Tensor, ids: tf.Tensor): Int32Array | undefined {
  const values = ids.dataSync();
  const tokens = values instanceof Int32Array ? values : Int32Array.from(values);
  const V = table.shape[0]!;
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i]!;
    if (!(id >= 0 && id < V)) return undefined;
  }
  return tokens;
}

/** One slice of rows `[start, count]` of the batch. */
type Slice = readonly [number, number];

/** A slice's part of a fused forward job: its input buffers and the calls before the cell's. */
export interface InputForward {
  readonly write: Record<string, Float32Array>;
  readonly alloc: Record<string, number>;
  readonly calls: KernelCall[];
  /** The cell forward's `x` argument. */
  readonly x: string | 0;
  /** Buffers the backward needs. */
  readonly keep: string[];
}

/** A slice's part of a fused backward job. */
export interface InputBackward {
  readonly alloc: Record<string, number>;
  /** The cell backward's `x` and `dx` arguments. */
  readonly x: string | 0;
  readonly dx: string | 0;
  readonly calls: KernelCall[];
  /** The input gradient's read, first of the job's reads. */
  readonly read: readonly [string, number, number];
}

/** The input side of one fused call. */
export interface FusedInput {
  /** The op's first input, which gets the first gradient: `x` (reversed under goBackwards) or the table. */
  readonly tensor: tf.Tensor;
  /** The slice's forward part; `data` holds the values of {@link tensor}. */
  forward(slice: number, data: Float32Array, target: string): InputForward;
  /** The slice's backward part; `dz` names the cell backward's gradient of `x·W + b`. */
  backward(slice: number, dz: string): InputBackward;
  /** The gradient of {@link tensor} from each slice's first read. */
  gradient(parts: readonly Float32Array[]): tf.Tensor;
}

/**
 * Plans the input of a fused call on `x [B,T,E]` split into `slices`, with `G` gate columns.
 * Call inside a `tf.tidy`: it may create the reversed `x`.
 */
export function planInput(
  x: tf.Tensor3D,
  goBackwards: boolean,
  slices: readonly Slice[],
  G: number,
): FusedInput {
  const [B, T, E] = x.shape;
  const lookup = lookups.get(x);
  if (
    lookup !== undefined &&
    !lookup.table.isDisposed &&
    lookup.ids.length === B * T &&
    lookup.table.shape.length === 2 &&
    lookup.table.shape[1] === E &&
    // Each slice copies the table into the kernel: worth it when the batch has more rows than
    // the table (an IMDB batch: 32,000 rows, 10,000 words; one review: 250 rows, rows it is).
    lookup.table.shape[0]! <= B * T
  ) {
    return tokenInput(lookup, goBackwards, slices, { B, T, E, G });
  }
  return rowInput(materializeTokens(x), goBackwards, slices, { B, T, E, G });
}

interface InputDims {
  readonly B: number;
  readonly T: number;
  readonly E: number;
  readonly G: number;
}

/** `x` copied into the kernel as it is. */
function rowInput(
  x: tf.Tensor,
  goBackwards: boolean,
  slices: readonly Slice[],
  { B, T, E }: InputDims,
): FusedInput {
  const tensor = goBackwards ? tf.reverse(x, 1) : x;
  // A model's input gets no gradient: the kernel then skips dx (rows x E x gates multiply-adds).
  const needed = gradientReachesBack(x);
  return {
    tensor,
    forward(slice, data) {
      const [s, n] = slices[slice]!;
      return {
        write: { x: data.subarray(s * T * E, (s + n) * T * E) },
        alloc: {},
        calls: [],
        x: 'x',
        keep: ['x'],
      };
    },
    backward(slice) {
      const n = slices[slice]![1];
      if (!needed) return { alloc: {}, x: 'x', dx: 0, calls: [], read: ['x', 0, 0] };
      return { alloc: { dx: n * T * E }, x: 'x', dx: 'dx', calls: [], read: ['dx', 0, n * T * E] };
    },
    gradient: (parts) => (needed ? tensorFromBlocks(parts, [B, T, E]) : tf.zeros(tensor.shape)),
  };
}

/**
 * Whether tfjs may ask for `x`'s gradient: `x` is a trainable variable, a tensor a running
 * `tf.grads`/`tf.variableGrads` differentiates with respect to, or the output of an op on the
 * gradient tape. A tensor made before the tape started (a model's input) gets none.
 */
function gradientReachesBack(x: tf.Tensor): boolean {
  if (x instanceof tf.Variable) return x.trainable;
  const engine = tf.engine() as unknown as {
    state: { activeTape: Array<{ outputs: tf.Tensor[] }> | null };
  };
  if (targets.some((xs) => xs.some((t) => t.id === x.id))) return true;
  const tape = engine.state.activeTape;
  return tape?.some((node) => node.outputs.some((t) => t.id === x.id)) ?? false;
}

/**
 * The `xs` of each `engine.gradients` call running now (nested calls stack up). Every tf.grads /
 * tf.valueAndGrads / tf.variableGrads / optimizer.minimize runs through engine.gradients(f, xs);
 * its xs are known nowhere else while f runs, so it is wrapped once, when this module loads
 * (before any gradient computation that could reach a fused call).
 */
const targets: tf.Tensor[][] = [];
{
  const engine = tf.engine() as unknown as {
    gradients: (f: () => tf.Tensor, xs: tf.Tensor[], ...rest: unknown[]) => unknown;
  };
  const original = engine.gradients.bind(engine);
  engine.gradients = (f, xs, ...rest) => {
    targets.push(xs);
    try {
      return original(f, xs, ...rest);
    } finally {
      targets.pop();
    }
  };
}

/** The distinct tokens of each slice, looked up in the table inside the kernel. */
function tokenInput(
  lookup: TokenLookup,
  goBackwards: boolean,
  slices: readonly Slice[],
  { T, E, G }: InputDims,
): FusedInput {
  const V = lookup.table.shape[0]!;
  const ids = goBackwards ? reverseRows(lookup.ids, T) : lookup.ids;
  // Per slice: its distinct tokens in first-seen order, and each row's index among them.
  const distinct = slices.map(([s, n]) => distinctTokens(ids.subarray(s * T, (s + n) * T), V));
  return {
    tensor: lookup.table,
    forward(slice, table, target) {
      const n = slices[slice]![1];
      const { tokens, slots } = distinct[slice]!;
      const U = tokens.length;
      return {
        write: { table, tokens, slots },
        alloc: { xu: U * E, pu: U * G },
        calls: [
          {
            fn: 'project_tokens',
            args: [n * T, U, E, G, 'tokens', 'table', 'slots', 'w', 'b', 'xu', 'pu', target],
          },
        ],
        x: 0,
        keep: ['xu', 'slots', 'tokens'],
      };
    },
    backward(slice, dz) {
      const n = slices[slice]![1];
      const U = distinct[slice]!.tokens.length;
      return {
        alloc: { dtable: V * E, tokenScratch: U * G + Math.max(G, U) * E + U * E },
        x: 0,
        dx: 0,
        calls: [
          {
            fn: 'project_tokens_backward',
            args: [n * T, U, E, G, V, 'tokens', 'slots', 'xu', 'w', dz, 'dtable', 'dw'].concat([
              'tokenScratch',
            ]),
          },
        ],
        read: ['dtable', 0, V * E],
      };
    },
    gradient: (parts) => sumTensor(parts, [V, E]),
  };
}

/** Each row of `T` ids reversed in time. */
function reverseRows(ids: Int32Array, T: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let r = 0; r < ids.length; r += T) {
    for (let t = 0; t < T; t++) out[r + t] = ids[r + T - 1 - t]!;
  }
  return out;
}

/** The distinct ids (as floats, for the kernel) and each position's index among them. */
function distinctTokens(ids: Int32Array, V: number): { tokens: Float32Array; slots: Float32Array } {
  const slotOf = new Int32Array(V).fill(-1);
  const tokens = new Float32Array(Math.min(V, ids.length));
  const slots = new Float32Array(ids.length);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let slot = slotOf[id]!;
    if (slot < 0) {
      slot = count++;
      slotOf[id] = slot;
      tokens[slot] = id;
    }
    slots[i] = slot;
  }
  return { tokens: tokens.subarray(0, count), slots };
}
