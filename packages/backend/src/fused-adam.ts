import * as tf from '@tensorflow/tfjs-core';
import { heapKernels, heapOffset } from './kernels/heap-kernels.js';

/**
 * Adam whose update runs as one kernel per variable on the wasm backend: `csrc/heap_kernels.c`
 * reads the variable, both moments and the gradient where tfjs keeps them and writes the three
 * new tensors in one pass, the same float32 operations in the same order as tfjs'
 * `AdamOptimizer`, so every value is bit for bit what `tf.train.adam` gives. tfjs runs ~12 ops
 * per variable: 4.3-4.8 ms per step for the seq2seq model's 688k weights, 2.2-3.3 ms for the IMDB
 * models' 322k (1.1-1.3 and 0.5-0.8 ms fused). Elsewhere (another backend, tfjs' threaded build, a runtime that compiles no
 * WebAssembly from bytes) it is `tf.train.adam`, which it extends: state, weights
 * (`getWeights`/`setWeights`) and config are tfjs'.
 */
export function fusedAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): tf.AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

const KERNEL = 'SeqpipeAdam';

/** The parts of tfjs' AdamOptimizer the fused step reads and updates (private there). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
}

/** Attributes of one fused step: the scalars tfjs' ops would have made float32 tensors of. */
interface AdamAttrs {
  b1: number;
  c1: number;
  b2: number;
  c2: number;
  om1: number;
  om2: number;
  eps: number;
  nlr: number;
}

/** What tfjs' optimizers take: gradients by variable name, or a list of them. */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!adamKernelReady()) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const f = Math.fround;
    tf.tidy(() => {
      const accBeta1 = state.accBeta1.dataSync()[0]!;
      const accBeta2 = state.accBeta2.dataSync()[0]!;
      const attrs: AdamAttrs = {
        b1: f(state.beta1),
        c1: f(1 - state.beta1),
        b2: f(state.beta2),
        c2: f(1 - state.beta2),
        om1: f(1 - accBeta1),
        om2: f(1 - accBeta2),
        eps: f(state.epsilon),
        nlr: f(-state.learningRate),
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        const moment = (slot: AdamState['accumulatedFirstMoment'], suffix: string) => {
          slot[i] ??= {
            originalName: `${name}/${suffix}`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
          return slot[i].variable;
        };
        const m = moment(state.accumulatedFirstMoment, 'm');
        const v = moment(state.accumulatedSecondMoment, 'v');
        const gradient: tf.Tensor | null | undefined = Array.isArray(variableGradients)
          ? variableGradients[i]!.tensor
          : variableGradients[name];
        if (gradient == null) return;
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(
            KERNEL,
            { value, m, v, gradient },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    this.incrementIterations();
  }
}

/** Whether the fused step can run now (registering its kernel the first time it can). */
function adamKernelReady(): boolean {
  const kernels = heapKernels();
  if (kernels === undefined) return false;
  if (tf.getKernel(KERNEL, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: adamKernel });
  }
  return true;
}

const adamKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { value, m, v, gradient } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as AdamAttrs;
  const kernels = heapKernels();
  if (kernels === undefined) throw new Error(`${KERNEL}: tfjs' wasm memory is not available`);
  const n = tf.util.sizeFromShape(value!.shape);
  if ([m, v, gradient].some((t) => tf.util.sizeFromShape(t!.shape) !== n)) {
    throw new Error(`${KERNEL}: the moments and the gradient must have the variable's size ${n}`);
  }
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  };
  const outputs = [value!, m!, v!].map((t) => wasm.makeOutput([...t.shape], 'float32'));
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  kernels.adam_update(
    n,
    ...[value!, m!, v!, gradient!, ...outputs].map(at),
    ...[a.b1, a.c1, a.b2, a.c2, a.om1, a.om2, a.eps, a.nlr],
  );
  return outputs;
};
