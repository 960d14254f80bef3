import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EarlyStoppingSpec } from '@seqpipe/spec';
import { improves, monitored, resolveMode } from './monitor.js';
import type { StatefulCallback } from './stateful-callback.js';

interface EarlyStoppingJson {
  best: number | null;
  bestEpoch: number;
  wait: number;
}

/**
 * Keras EarlyStopping: stops when `monitor` has not improved by more than `minDelta` for
 * `patience` epochs. With `restoreBestWeights` it keeps a copy of the best epoch's weights and
 * puts them back when training ends (stopped early or not, as Keras 3), which stock tfjs
 * cannot do. Its state (best value, patience used, best weights) goes into checkpoints.
 */
export function createEarlyStopping(
  spec: EarlyStoppingSpec,
  model: LayersModel,
  log: (line: string) => void = () => {},
): StatefulCallback & { readonly bestEpoch: () => number } {
  const mode = resolveMode(spec.monitor, spec.mode);
  let best: number | undefined;
  let bestEpoch = -1;
  let wait = 0;
  let bestWeights: tf.Tensor[] | undefined;
  const keep = (): void => {
    tf.dispose(bestWeights ?? []);
    bestWeights = model.getWeights().map((w) => tf.clone(w));
  };
  return {
    stateKey: 'earlyStopping',
    bestEpoch: () => bestEpoch,
    onEpochEnd(epoch, logs, control) {
      const value = monitored(logs, spec.monitor, '/train/earlyStopping/monitor');
      if (best === undefined || improves(mode, value, best, spec.minDelta)) {
        best = value;
        bestEpoch = epoch;
        wait = 0;
        if (spec.restoreBestWeights) keep();
        return;
      }
      wait++;
      if (wait > spec.patience)
        control?.stop(
          `early stopping: ${spec.monitor} has not improved for ${wait} epochs (best ${best.toFixed(4)} at epoch ${bestEpoch + 1})`,
        );
    },
    onTrainEnd() {
      if (spec.restoreBestWeights && bestWeights !== undefined) {
        model.setWeights(bestWeights);
        log(
          `restored the weights of epoch ${bestEpoch + 1} (best ${spec.monitor} ${best?.toFixed(4)})`,
        );
      }
    },
    getState() {
      const json: EarlyStoppingJson = { best: best ?? null, bestEpoch, wait };
      return { json, tensors: bestWeights };
    },
    setState(json, tensors) {
      const state = json as EarlyStoppingJson;
      best = state.best ?? undefined;
      bestEpoch = state.bestEpoch;
      wait = state.wait;
      tf.dispose(bestWeights ?? []);
      bestWeights = tensors;
    },
    dispose() {
      tf.dispose(bestWeights ?? []);
      bestWeights = undefined;
    },
  };
}
