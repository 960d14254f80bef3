import type { EpochLogs, TrainCallbacks } from './fit.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

const BAR_WIDTH = 24;

function formatLogs(logs: EpochLogs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(' · ');
}

/**
 * Per-epoch progress: on a TTY a live bar redrawn in place per batch, otherwise (CI, pipes,
 * Nx output capture) one plain line per epoch.
 */
export function createProgressReporter(stream: ProgressStream): TrainCallbacks {
  const live = stream.isTTY === true;
  let epochs = 0;
  let started = 0;
  return {
    onTrainBegin(info) {
      epochs = info.epochs;
      stream.write(
        `training on ${info.trainSize} examples (validation ${info.validationSize}), ` +
          `${info.epochs} epochs, batch ${info.batchSize}\n`,
      );
    },
    onEpochBegin() {
      started = Date.now();
    },
    onBatchEnd(epoch, batch, batches, logs) {
      if (!live) return;
      const done = Math.round(((batch + 1) / batches) * BAR_WIDTH);
      const bar = `${'█'.repeat(done)}${'░'.repeat(BAR_WIDTH - done)}`;
      const line = `epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs} ${bar} ${batch + 1}/${batches} · loss ${(logs['loss'] ?? NaN).toFixed(4)}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
    },
    onEpochEnd(epoch, logs) {
      const seconds = ((Date.now() - started) / 1000).toFixed(2);
      const line = `epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs} · ${formatLogs(logs)} · ${seconds}s`;
      stream.write(live ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
