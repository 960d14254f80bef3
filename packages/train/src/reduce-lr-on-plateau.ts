import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ReduceLrOnPlateauSpec } from '@seqpipe/spec';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import { improves, monitored, resolveMode } from './monitor.js';
import type { StatefulCallback } from './stateful-callback.js';

interface ReduceLrJson {
  best: number | null;
  wait: number;
  cooldown: number;
  learningRate: number;
}

/**
 * Keras ReduceLROnPlateau: after `patience` epochs without an improvement of `monitor`, the
 * learning rate becomes max(rate × factor, minLr), then `cooldown` epochs pass before counting
 * again.
 */
export function createReduceLrOnPlateau(
  spec: ReduceLrOnPlateauSpec,
  model: LayersModel,
  log: (line: string) => void = () => {},
): StatefulCallback {
  const mode = resolveMode(spec.monitor, spec.mode);
  let best: number | undefined;
  let wait = 0;
  let cooldown = 0;
  return {
    stateKey: 'reduceLrOnPlateau',
    onEpochEnd(epoch, logs) {
      const rate = getLearningRate(model.optimizer);
      const value = monitored(logs, spec.monitor, '/train/reduceLrOnPlateau/monitor');
      if (cooldown > 0) {
        cooldown--;
        wait = 0;
      }
      if (best === undefined || improves(mode, value, best, spec.minDelta)) {
        best = value;
        wait = 0;
        return;
      }
      if (cooldown > 0) return;
      wait++;
      if (wait >= spec.patience) {
        const next = Math.max(rate * spec.factor, spec.minLr);
        if (next < rate) {
          setLearningRate(model.optimizer, next);
          log(`epoch ${epoch + 1}: ${spec.monitor} plateaued, learning rate ${rate} -> ${next}`);
        }
        cooldown = spec.cooldown;
        wait = 0;
      }
    },
    getState() {
      const json: ReduceLrJson = {
        best: best ?? null,
        wait,
        cooldown,
        learningRate: getLearningRate(model.optimizer),
      };
      return { json };
    },
    setState(json) {
      const state = json as ReduceLrJson;
      best = state.best ?? undefined;
      wait = state.wait;
      cooldown = state.cooldown;
      setLearningRate(model.optimizer, state.learningRate);
    },
  };
}
