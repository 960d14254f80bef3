import type { BenchResult } from './run-bench.js';

const num = (x: number | undefined, digits = 0): string =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
const times = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(2)}x`);

/** A Markdown table of a run: one row per workload and system. */
export function formatTable(result: BenchResult): string {
  const lines = [
    '| workload | system | train samples/s | × PyTorch | × stock wasm | predict samples/s | × PyTorch | latency p50 / p99 ms | peak RSS MB | cold start ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const w of result.results) {
    for (const [system, r] of Object.entries(w.systems)) {
      if (r.skipped !== undefined) {
        lines.push(
          `| ${w.workload} | ${system} | skipped: ${r.skipped.replace(/\|/g, '/')} | | | | | | | |`,
        );
        continue;
      }
      lines.push(
        `| ${w.workload} | ${system} | ${num(r.trainSamplesPerSec, 1)} | ${times(r.trainVsPytorch)} | ${times(r.trainVsStockWasm)} | ${num(r.predictSamplesPerSec)} | ${times(r.predictVsPytorch)} | ${num(r.latencyP50Ms, 2)} / ${num(r.latencyP99Ms, 2)} | ${num(r.peakRssMb)} | ${num(r.coldStartMs)} |`,
      );
    }
  }
  return lines.join('\n');
}

export function formatMachine(result: BenchResult): string {
  const m = result.machine;
  const line = `${m.cpuModel}, ${m.logicalCores} logical cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}, tfjs ${m.tfjs}${m.torch === undefined ? '' : `, torch ${m.torch}`}`;
  const rounds =
    result.rounds === undefined
      ? ''
      : `\nmedians of ${result.rounds} rounds (systems taking turns)`;
  const p = m.parallelScaling;
  if (p === undefined) return `${line}${rounds}`;
  const each = p.concurrentSamplesPerSec.map((r) => r.toFixed(0)).join(' + ');
  return (
    `${line}\nparallel capacity: two ${p.system} processes at once train ${p.ratio.toFixed(2)}x ` +
    `one alone (${p.workload}: ${p.aloneSamplesPerSec.toFixed(0)} samples/s alone, ${each} together)` +
    rounds
  );
}
