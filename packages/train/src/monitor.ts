import { SeqpipeError } from '@seqpipe/errors';
import type { EpochLogs } from './fit.js';

export type MonitorMode = 'auto' | 'min' | 'max';

/** `auto` resolved as Keras does: max for accuracy-like figures, min for losses and the rest. */
export function resolveMode(monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /(accuracy|acc|auc|precision|recall|f1)$/i.test(monitor) ? 'max' : 'min';
}

/** True when `current` beats `best` by more than `minDelta` in the mode's direction. */
export function improves(
  mode: 'min' | 'max',
  current: number,
  best: number,
  minDelta: number,
): boolean {
  return mode === 'min' ? current < best - minDelta : current > best + minDelta;
}

/**
 * The monitored figure of an epoch. A key the run does not log (a typo, or `valLoss` without
 * a validation split) is a pipeline error naming the keys it does log.
 */
export function monitored(logs: EpochLogs, monitor: string, pointer: string): number {
  const value = logs[monitor];
  if (value !== undefined) return value;
  const known = Object.keys(logs);
  throw new SeqpipeError(
    'SEQPIPE_SPEC_INVALID',
    `${pointer} is "${monitor}", which this run does not log; it logs ${known.join(', ')}.` +
      (monitor.startsWith('val') ? ' Validation figures need data.split.validation > 0.' : ''),
    {
      issues: [
        {
          path: pointer,
          message: 'unknown monitored figure',
          expected: known.map((k) => `"${k}"`).join(' | '),
          received: `"${monitor}"`,
        },
      ],
    },
  );
}
