import { describe, expect, it } from 'vitest';
import { createProgressReporter } from './progress.js';

function run(isTTY: boolean): string {
  let out = '';
  const reporter = createProgressReporter({
    write: (s: string) => (out += s),
    isTTY,
    columns: 200,
  });
  reporter.onTrainBegin?.({ epochs: 2, batchSize: 4, trainSize: 8, validationSize: 2 });
  for (let epoch = 0; epoch < 2; epoch++) {
    reporter.onEpochBegin?.(epoch);
    reporter.onBatchEnd?.(epoch, 0, 2, { loss: 0.7 });
    reporter.onBatchEnd?.(epoch, 1, 2, { loss: 0.6 });
    void reporter.onEpochEnd?.(epoch, {
      loss: 0.6,
      accuracy: 0.5,
      valLoss: 0.65,
      valAccuracy: 0.5,
    });
  }
  return out;
}

describe('progress reporter', () => {
  it('prints one plain line per epoch when not on a TTY', () => {
    const lines = run(false).trimEnd().split('\n');
    expect(lines[0]).toBe('training on 8 examples (validation 2), 2 epochs, batch 4');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^epoch 1\/2 · loss 0\.6000 · accuracy 0\.5000 · valLoss 0\.6500 · valAccuracy 0\.5000 · \d+\.\d\ds$/,
    );
    expect(run(false)).not.toContain('\r');
  });

  it('redraws a live bar in place on a TTY', () => {
    const out = run(true);
    expect(out).toContain('\r\x1b[2Kepoch 1/2 ████████████░░░░░░░░░░░░ 1/2 · loss 0.7000');
    expect(out).toContain('\r\x1b[2Kepoch 2/2 · loss 0.6000');
  });
});
