import { spawn, spawnSync } from 'node:child_process';
import { cpus, availableParallelism, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { SYSTEMS } from './systems.js';
import type { MeasureOptions, Measurement, SystemName } from './systems.js';
import type { Workload } from './workloads.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL('../py/torch_bench.py', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_TIMEOUT_MS = 600_000;

export const FULL_OPTIONS: MeasureOptions = {
  warmupSteps: 1,
  maxSteps: 5,
  stepSeconds: 4,
  minSeconds: 1,
  predictRuns: 3,
  latencyRuns: 50,
};
export const QUICK_OPTIONS: MeasureOptions = {
  warmupSteps: 1,
  maxSteps: 1,
  stepSeconds: 1,
  minSeconds: 0,
  predictRuns: 1,
  latencyRuns: 10,
};

export interface SystemResult extends Partial<Measurement> {
  coldStartMs?: number;
  /** Why the system did not run. */
  skipped?: string;
  /** Training throughput divided by PyTorch's and by stock tfjs wasm's, same run. */
  trainVsPytorch?: number;
  trainVsStockWasm?: number;
  predictVsPytorch?: number;
  /** With several rounds: each round's training and prediction samples/s (the figures above are medians). */
  rounds?: Array<{ train: number; predict: number }>;
}

export interface WorkloadResult {
  workload: string;
  description: string;
  systems: Partial<Record<SystemName, SystemResult>>;
}

export interface MachineDescription {
  cpuModel: string;
  logicalCores: number;
  memoryGb: number;
  platform: string;
  node: string;
  tfjs: string;
  torch?: string;
  /** How much two cores really give here (see {@link ParallelScaling}); absent when not measured. */
  parallelScaling?: ParallelScaling;
}

/**
 * The machine's parallel capacity for seqpipe's kernels: one single-thread training process
 * alone, then two identical ones at the same time. `ratio` = their summed throughput / alone:
 * ~2 means two independent cores (threads could double throughput), ~1 means the logical cores
 * share one core's execution units (or the machine is busy) and threads cannot help.
 */
export interface ParallelScaling {
  workload: string;
  system: SystemName;
  aloneSamplesPerSec: number;
  concurrentSamplesPerSec: number[];
  ratio: number;
}

export interface BenchResult {
  createdAt: string;
  command: string;
  machine: MachineDescription;
  options: MeasureOptions;
  /** Measurements per system and workload (figures are their medians); absent = 1. */
  rounds?: number;
  results: WorkloadResult[];
}

export interface BenchOptions {
  workloads: readonly Workload[];
  systems?: readonly SystemName[];
  options?: MeasureOptions;
  coldStart?: boolean;
  /** Also measure {@link ParallelScaling} (default false). */
  scaling?: boolean;
  /**
   * Measure each system this many times per workload, the systems taking turns (round 1: every
   * system, round 2: every system, ...), and report the median of each figure (default 1). A
   * slowdown of the shared host then hits every system, not one.
   */
  rounds?: number;
  command?: string;
  log?: (line: string) => void;
}

interface ChildOutcome {
  json?: Record<string, unknown>;
  error?: string;
  ms: number;
}

function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(file, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - start;
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) {
        resolve({ json: JSON.parse(line) as Record<string, unknown>, ms });
      } else {
        resolve({
          error: `exit ${String(code)}: ${err.trim().split('\n').slice(-3).join(' | ')}`,
          ms,
        });
      }
    });
  });
}

const PYTHON = process.env['SEQPIPE_BENCH_PYTHON'] ?? '/usr/bin/python3';

/** The PyTorch version, or undefined when `python3 -c "import torch"` fails. */
export function torchVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function runSystem(
  w: Workload,
  system: SystemName,
  mode: 'measure' | 'cold',
  options: MeasureOptions,
): Promise<ChildOutcome> {
  if (system === 'pytorch') {
    return runChild(PYTHON, [TORCH_SCRIPT, JSON.stringify({ workload: w, mode, options })], {
      ...process.env,
      OPENBLAS_NUM_THREADS: '1',
    });
  }
  const args = JSON.stringify({ workload: w.name, system, mode, options });
  return runChild(
    process.execPath,
    ['--conditions=@seqpipe/source', '--import', 'tsx', CHILD, args],
    process.env,
  );
}

export function describeMachine(torch: string | undefined): MachineDescription {
  const machine: MachineDescription = {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    logicalCores: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    tfjs: tf.version_core,
  };
  if (torch !== undefined) machine.torch = torch;
  return machine;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

/** Runs the first workload on seqpipe-wasm-1 alone, then twice at once (see ParallelScaling). */
export async function measureParallelScaling(
  w: Workload,
  options: MeasureOptions,
): Promise<ParallelScaling | string> {
  const system: SystemName = 'seqpipe-wasm-1';
  const train = (o: ChildOutcome): number | undefined =>
    o.json === undefined ? undefined : (o.json as Partial<Measurement>).trainSamplesPerSec;
  const alone = await runSystem(w, system, 'measure', options);
  const pair = await Promise.all([0, 1].map(() => runSystem(w, system, 'measure', options)));
  const aloneRate = train(alone);
  const pairRates = pair.map(train);
  if (aloneRate === undefined || pairRates.some((r) => r === undefined)) {
    return [alone, ...pair].find((o) => o.error !== undefined)?.error ?? 'failed';
  }
  const concurrent = pairRates as number[];
  return {
    workload: w.name,
    system,
    aloneSamplesPerSec: aloneRate,
    concurrentSamplesPerSec: concurrent,
    ratio: (concurrent[0]! + concurrent[1]!) / aloneRate,
  };
}

/**
 * The median of each numeric figure over several measurements of one system (the other fields
 * from the first); one measurement is returned as it is.
 */
export function medianMeasurement(runs: ReadonlyArray<Partial<Measurement>>): SystemResult {
  const first = { ...runs[0] } as SystemResult;
  if (runs.length === 1) return first;
  const record = first as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'number') continue;
    const values = runs
      .map((r) => (r as Record<string, unknown>)[key])
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    const mid = values.length >> 1;
    record[key] = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  }
  return first;
}

/** Runs every (workload, system) pair, each in its own process, one at a time. */
export async function runBench(bench: BenchOptions): Promise<BenchResult> {
  const log = bench.log ?? (() => undefined);
  const options = bench.options ?? FULL_OPTIONS;
  const systems = bench.systems ?? SYSTEMS;
  const torch = systems.includes('pytorch') ? torchVersion() : undefined;
  if (systems.includes('pytorch') && torch === undefined) {
    log(
      `notice: PyTorch not found (${PYTHON} -c "import torch" failed): skipping it. ` +
        'Install Debian python3-torch and libopenblas0-pthread to compare.',
    );
  }
  const results: WorkloadResult[] = [];
  const rounds = Math.max(1, bench.rounds ?? 1);
  for (const w of bench.workloads) {
    const entry: WorkloadResult = { workload: w.name, description: w.description, systems: {} };
    const runs = new Map<SystemName, Array<Partial<Measurement>>>();
    const errors = new Map<SystemName, string>();
    for (let round = 1; round <= rounds; round++) {
      for (const system of systems) {
        if (system === 'pytorch' && torch === undefined) continue;
        log(`${w.name} · ${system}${rounds > 1 ? ` (round ${round}/${rounds})` : ''} ...`);
        const measured = await runSystem(w, system, 'measure', options);
        if (measured.json === undefined) {
          errors.set(system, measured.error ?? 'failed');
          log(`  failed: ${measured.error ?? ''}`);
          continue;
        }
        const m = { ...(measured.json as Partial<Measurement>) };
        delete (m as Record<string, unknown>)['torchVersion'];
        runs.set(system, [...(runs.get(system) ?? []), m]);
        log(
          `  train ${m.trainSamplesPerSec?.toFixed(1) ?? '-'}/s, predict ${m.predictSamplesPerSec?.toFixed(0) ?? '-'}/s`,
        );
      }
    }
    for (const system of systems) {
      if (system === 'pytorch' && torch === undefined) {
        entry.systems[system] = { skipped: 'PyTorch not installed' };
        continue;
      }
      const measured = runs.get(system) ?? [];
      if (measured.length === 0) {
        entry.systems[system] = { skipped: errors.get(system) ?? 'failed' };
        continue;
      }
      const result: SystemResult = medianMeasurement(measured);
      if (rounds > 1) {
        result.rounds = measured.map((m) => ({
          train: m.trainSamplesPerSec ?? Number.NaN,
          predict: m.predictSamplesPerSec ?? Number.NaN,
        }));
      }
      if (bench.coldStart !== false) {
        const cold = await runSystem(w, system, 'cold', options);
        if (cold.json !== undefined) result.coldStartMs = cold.ms;
      }
      entry.systems[system] = result;
    }
    const torchTrain = entry.systems.pytorch?.trainSamplesPerSec;
    const torchPredict = entry.systems.pytorch?.predictSamplesPerSec;
    const stockTrain = entry.systems['tfjs-wasm']?.trainSamplesPerSec;
    for (const r of Object.values(entry.systems)) {
      if (r.trainSamplesPerSec === undefined) continue;
      const vsTorch = ratio(r.trainSamplesPerSec, torchTrain);
      const vsStock = ratio(r.trainSamplesPerSec, stockTrain);
      const predictVsTorch = ratio(r.predictSamplesPerSec, torchPredict);
      if (vsTorch !== undefined) r.trainVsPytorch = vsTorch;
      if (vsStock !== undefined) r.trainVsStockWasm = vsStock;
      if (predictVsTorch !== undefined) r.predictVsPytorch = predictVsTorch;
    }
    results.push(entry);
  }
  const machine = describeMachine(torch);
  // An IMDB-size workload if there is one: tiny ones measure process overhead, not compute.
  const first = bench.workloads.find((w) => w.name === 'imdb-lstm') ?? bench.workloads[0];
  if (bench.scaling === true && first !== undefined) {
    log(`parallel capacity: ${first.name} · seqpipe-wasm-1 alone, then two at once ...`);
    const scaling = await measureParallelScaling(first, options);
    if (typeof scaling === 'string') log(`  failed: ${scaling}`);
    else machine.parallelScaling = scaling;
  }
  return {
    createdAt: new Date().toISOString(),
    command: bench.command ?? 'npm run bench',
    machine,
    options,
    ...(rounds > 1 ? { rounds } : {}),
    results,
  };
}
