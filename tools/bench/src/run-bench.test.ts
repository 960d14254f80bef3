import { describe, expect, it } from 'vitest';
import { formatMachine, formatTable } from './format-table.js';
import {
  QUICK_OPTIONS,
  describeMachine,
  measureParallelScaling,
  medianMeasurement,
  runBench,
} from './run-bench.js';
import { SMOKE_WORKLOAD } from './workloads.js';

describe('bench harness (smoke)', () => {
  it('measures a minimal workload in child processes and tabulates ratios', async () => {
    const result = await runBench({
      workloads: [SMOKE_WORKLOAD],
      systems: ['tfjs-cpu', 'tfjs-wasm', 'seqpipe-wasm-1'],
      options: { ...QUICK_OPTIONS, latencyRuns: 3 },
      coldStart: false,
      rounds: 2,
    });
    expect(result.rounds).toBe(2);
    expect(result.machine.logicalCores).toBeGreaterThan(0);
    expect(result.machine.tfjs).toBe('4.22.0');
    const systems = result.results[0]?.systems ?? {};
    for (const name of ['tfjs-cpu', 'tfjs-wasm', 'seqpipe-wasm-1'] as const) {
      const r = systems[name];
      expect(r?.skipped).toBeUndefined();
      expect(r?.trainSamplesPerSec).toBeGreaterThan(0);
      expect(r?.predictSamplesPerSec).toBeGreaterThan(0);
      expect(r?.latencyP50Ms).toBeGreaterThan(0);
      expect(r?.peakRssMb).toBeGreaterThan(10);
      expect(r?.rounds).toHaveLength(2);
    }
    expect(systems['tfjs-wasm']?.trainVsStockWasm).toBe(1);
    // One LSTM: one fused forward and one fused backward per training step.
    expect(systems['seqpipe-wasm-1']?.fusedKernelCallsPerStep).toBe(2);
    expect(systems['seqpipe-wasm-1']?.note).toBeUndefined();
    expect(systems['seqpipe-wasm-1']?.backend).toMatch(/^backend: wasm \(SIMD on, 1 thread/);
    const table = formatTable(result);
    expect(table.split('\n')).toHaveLength(2 + 3);
    expect(table).toContain('| smoke | seqpipe-wasm-1 |');
  });

  it('measures parallel capacity: one process alone, then two at once', async () => {
    const scaling = await measureParallelScaling(SMOKE_WORKLOAD, QUICK_OPTIONS);
    if (typeof scaling === 'string') throw new Error(scaling);
    expect(scaling.concurrentSamplesPerSec).toHaveLength(2);
    for (const rate of [scaling.aloneSamplesPerSec, ...scaling.concurrentSamplesPerSec]) {
      expect(rate).toBeGreaterThan(0);
    }
    const [a, b] = scaling.concurrentSamplesPerSec as [number, number];
    expect(scaling.ratio).toBeCloseTo((a + b) / scaling.aloneSamplesPerSec, 10);
    const line = formatMachine({
      createdAt: '',
      command: '',
      options: QUICK_OPTIONS,
      results: [],
      machine: { ...describeMachine(undefined), parallelScaling: scaling },
    });
    expect(line).toMatch(
      /\nparallel capacity: two seqpipe-wasm-1 processes at once train \d+\.\d\dx one alone \(smoke: /,
    );
  });

  it('reports the median of each figure over rounds', () => {
    const base = { backend: 'b', latencyP50Ms: 1, peakRssMb: 100, trainSteps: 5 };
    const runs = [
      { ...base, trainSamplesPerSec: 30, predictSamplesPerSec: 7 },
      { ...base, trainSamplesPerSec: 10, predictSamplesPerSec: 9, latencyP50Ms: 3 },
      { ...base, trainSamplesPerSec: 20, predictSamplesPerSec: 8, latencyP50Ms: 2 },
    ];
    expect(medianMeasurement(runs)).toEqual({
      ...base,
      trainSamplesPerSec: 20,
      predictSamplesPerSec: 8,
      latencyP50Ms: 2,
    });
    expect(medianMeasurement(runs.slice(0, 2)).trainSamplesPerSec).toBe(20);
    expect(medianMeasurement(runs.slice(0, 1))).toEqual(runs[0]);
  });
});
