/** The systems a benchmark run compares, in table order. */
export const SYSTEMS = [
  'tfjs-cpu',
  'tfjs-wasm',
  'seqpipe-wasm-1',
  'seqpipe-wasm-2',
  'pytorch',
] as const;

export type SystemName = (typeof SYSTEMS)[number];

export const SYSTEM_DESCRIPTIONS: Record<SystemName, string> = {
  'tfjs-cpu': 'tfjs-backend-cpu (plain JS), stock layers',
  'tfjs-wasm':
    'stock tfjs-backend-wasm (SIMD, 1 thread), stock layers; only the missing UnsortedSegmentSum kernel added (without it the Embedding gradient cannot train at vocab 10k)',
  'seqpipe-wasm-1': 'initBackend({ threads: 1 }): kernel fixes + fused recurrent layers',
  'seqpipe-wasm-2':
    'initBackend({ threads: 2 }): kernel fixes + fused recurrent layers on 2 threads (XNNPACK on 1)',
  pytorch: 'PyTorch CPU (Debian python3-torch, OpenBLAS, OPENBLAS_NUM_THREADS=1, 2 torch threads)',
};

export function isSystem(name: string): name is SystemName {
  return (SYSTEMS as readonly string[]).includes(name);
}

/** Options a child process measures with. */
export interface MeasureOptions {
  /** Untimed training steps first. */
  warmupSteps: number;
  /** Timed training steps: at least 1, at most this many, stopping early after `stepSeconds`. */
  maxSteps: number;
  stepSeconds: number;
  /**
   * Warm-up, timed training and timed prediction each run at least this long (besides their
   * step counts), so tiny workloads are timed over many steps, not 5 noisy milliseconds.
   */
  minSeconds: number;
  /** Timed batch predictions. */
  predictRuns: number;
  /** Timed single-sequence predictions (latency samples). */
  latencyRuns: number;
}

/** What a child process reports for one workload on one system. */
export interface Measurement {
  trainSamplesPerSec: number;
  predictSamplesPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  peakRssMb: number;
  trainSteps: number;
  backend: string;
  /** seqpipe systems: fused kernel calls (forward + backward) per training step; 0 = not fused. */
  fusedKernelCallsPerStep?: number;
  /** Set when part of the system was not what was asked for (e.g. a fallback). */
  note?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
