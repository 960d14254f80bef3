/**
 * One benchmark measurement in its own process (so systems cannot share kernels or memory):
 * `node --conditions=@seqpipe/source --import tsx child.ts '<json>'` prints one JSON line.
 * `mode: 'cold'` builds the model, predicts one sequence and exits (the parent times it).
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, findWorkload, makeBatch, stockRecurrentLayers } from './workloads.js';
import type { RecurrentLayers } from './workloads.js';
import { percentile } from './systems.js';
import type { MeasureOptions, Measurement, SystemName } from './systems.js';

interface ChildArgs {
  workload: string;
  system: SystemName;
  mode: 'measure' | 'cold';
  options: MeasureOptions;
}

async function setUpSystem(
  system: SystemName,
): Promise<{ layers: RecurrentLayers; backend: string }> {
  if (system === 'tfjs-wasm') {
    // Stock tfjs-backend-wasm: none of seqpipe's kernels, only the missing UnsortedSegmentSum.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { registerChainedOps } =
      await import('../../../packages/backend/src/register-chained-ops.js');
    const { unsortedSegmentSumConfig } =
      await import('../../../packages/backend/src/kernels/unsorted-segment-sum.js');
    registerChainedOps();
    tf.registerKernel(unsortedSegmentSumConfig);
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('stock wasm failed to start');
    return { layers: stockRecurrentLayers, backend: 'stock wasm, 1 thread' };
  }
  const { initBackend, formatBackendInfo } = await import('@seqpipe/backend');
  if (system === 'tfjs-cpu') {
    const info = await initBackend({ type: 'cpu' });
    return { layers: stockRecurrentLayers, backend: formatBackendInfo(info) };
  }
  const threads = system === 'seqpipe-wasm-2' ? 2 : 1;
  const info = await initBackend({ type: 'wasm', threads });
  return { layers: await seqpipeRecurrentLayers(), backend: formatBackendInfo(info) };
}

/** seqpipe's recurrent layers (fused kernels where the options allow). */
async function seqpipeRecurrentLayers(): Promise<RecurrentLayers> {
  const { fuseRecurrent } = await import('@seqpipe/backend');
  const { SeededOrthogonal } = await import('@seqpipe/spec');
  return {
    orthogonal: (seed) => new SeededOrthogonal({ seed }),
    lstm: (args) => fuseRecurrent(stockRecurrentLayers.lstm(args)),
    gru: (args) => fuseRecurrent(stockRecurrentLayers.gru(args)),
    simpleRNN: (args) => fuseRecurrent(stockRecurrentLayers.simpleRNN(args)),
    wrap: (layer) => fuseRecurrent(layer),
  };
}

/**
 * Fused recurrent kernel calls so far (forward and backward; not the token projections that run
 * in the same job, nor dense products on the same GEMM), for seqpipe's systems; 0 for the others.
 */
async function fusedCallCount(system: SystemName): Promise<number> {
  if (!system.startsWith('seqpipe')) return 0;
  const { fusedKernelCalls } = await import('@seqpipe/backend');
  return Object.entries(fusedKernelCalls())
    .filter(([fn]) => /_(forward|backward)$/.test(fn))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function trainStep(model: tfl.LayersModel, xs: tf.Tensor[], y: tf.Tensor): Promise<void> {
  await model.trainOnBatch(xs.length === 1 ? xs[0]! : xs, y);
}

function predictSync(model: tfl.LayersModel, xs: tf.Tensor[]): void {
  tf.tidy(() => {
    // The whole batch in one pass, like the PyTorch side (tfjs' default is 32 per pass).
    const batchSize = xs[0]!.shape[0]!;
    const out = model.predict(xs.length === 1 ? xs[0]! : xs, { batchSize });
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const workload = findWorkload(args.workload);
  if (workload === undefined) throw new Error(`unknown workload ${args.workload}`);
  const { layers, backend } = await setUpSystem(args.system);
  // seqpipe's systems run as compiled pipelines do: the Embedding hands its token ids to the
  // fused layer after it, and the optimizer is fusedAdam (tfjs' Adam, bit for bit, one kernel
  // per variable on wasm).
  const seqpipe = args.system.startsWith('seqpipe') ? await import('@seqpipe/backend') : undefined;
  const model = buildModel(
    workload,
    layers,
    seqpipe === undefined ? undefined : () => seqpipe.fusedAdam(0.001),
  );
  seqpipe?.fuseModel(model, { lazyEmbeddings: true });
  if (args.mode === 'cold') {
    const one = makeBatch(workload, 1, 3);
    predictSync(model, one.xs);
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
    return;
  }
  const o = args.options;
  const train = makeBatch(workload, workload.batch, 1);
  const elapsed = (since: number): number => (performance.now() - since) / 1000;
  const w0 = performance.now();
  for (let i = 0; i < o.warmupSteps || elapsed(w0) < o.minSeconds; i++) {
    await trainStep(model, train.xs, train.y);
  }
  const callsBefore = await fusedCallCount(args.system);
  let steps = 0;
  const t0 = performance.now();
  while (steps < o.maxSteps || elapsed(t0) < o.minSeconds) {
    await trainStep(model, train.xs, train.y);
    steps++;
    if (elapsed(t0) >= o.stepSeconds) break;
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const fusedCalls = (await fusedCallCount(args.system)) - callsBefore;

  const predictBatch = workload.kind === 'seq2seq' ? workload.batch : 128;
  const pred = makeBatch(workload, predictBatch, 2);
  predictSync(model, pred.xs);
  const p0 = performance.now();
  let predictRuns = 0;
  while (predictRuns < o.predictRuns || elapsed(p0) < o.minSeconds) {
    predictSync(model, pred.xs);
    predictRuns++;
  }
  const predictSeconds = (performance.now() - p0) / 1000;

  const one = makeBatch(workload, 1, 3);
  for (let i = 0; i < 3; i++) predictSync(model, one.xs);
  const latencies: number[] = [];
  for (let i = 0; i < o.latencyRuns; i++) {
    const s = performance.now();
    predictSync(model, one.xs);
    latencies.push(performance.now() - s);
  }
  latencies.sort((a, b) => a - b);
  const result: Measurement = {
    trainSamplesPerSec: (steps * workload.batch) / trainSeconds,
    predictSamplesPerSec: (predictRuns * predictBatch) / predictSeconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    trainSteps: steps,
    backend,
    ...(args.system.startsWith('seqpipe')
      ? {
          fusedKernelCallsPerStep: fusedCalls / steps,
          ...(fusedCalls === 0 ? { note: 'fused kernels not used' } : {}),
        }
      : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
