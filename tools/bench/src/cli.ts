/**
 * `npm run bench [-- --workload imdb-lstm[,seq2seq-char] --system seqpipe-wasm-1,pytorch --rounds 3 --quick --no-cold]`
 * Runs each (workload, system) in its own process, prints a Markdown table with ratios and
 * writes bench/results/<timestamp>.json and bench/results/latest.json (atomically).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMachine, formatTable } from './format-table.js';
import { FULL_OPTIONS, QUICK_OPTIONS, runBench } from './run-bench.js';
import { SYSTEMS, isSystem } from './systems.js';
import { WORKLOADS, findWorkload } from './workloads.js';
import type { Workload } from './workloads.js';

const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

const list = (values: string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).filter((v) => v.length > 0);

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string', multiple: true },
      system: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      'no-cold': { type: 'boolean', default: false },
      'no-scaling': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      seconds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      `npm run bench -- [--workload a,b] [--system s,t] [--rounds n] [--seconds s] [--quick] [--no-cold] [--no-scaling] [--no-write]\n` +
        `--rounds n: measure every system n times, taking turns, and report medians\n` +
        `--seconds s: time training and prediction for at least s seconds each (default ${FULL_OPTIONS.minSeconds}; longer evens out a noisy machine)\n` +
        `workloads: ${WORKLOADS.map((w) => w.name).join(', ')}\nsystems: ${SYSTEMS.join(', ')}`,
    );
    return 0;
  }
  const workloads: Workload[] = [];
  for (const name of list(values.workload)) {
    const w = findWorkload(name);
    if (w === undefined) {
      console.error(
        `unknown workload "${name}"; known: ${WORKLOADS.map((x) => x.name).join(', ')}`,
      );
      return 2;
    }
    workloads.push(w);
  }
  const systems = list(values.system);
  const unknown = systems.filter((s) => !isSystem(s));
  if (unknown.length > 0) {
    console.error(`unknown system(s) ${unknown.join(', ')}; known: ${SYSTEMS.join(', ')}`);
    return 2;
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds takes a whole number >= 1, got "${values.rounds}"`);
    return 2;
  }
  const seconds = values.seconds === undefined ? FULL_OPTIONS.minSeconds : Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || (values.quick && values.seconds !== undefined)) {
    console.error(
      values.quick
        ? '--seconds cannot be combined with --quick (one timed step)'
        : `--seconds takes a number of seconds > 0, got "${values.seconds}"`,
    );
    return 2;
  }
  const command = [
    'npm run bench',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  const result = await runBench({
    workloads: workloads.length > 0 ? workloads : WORKLOADS,
    systems: systems.length > 0 ? systems.filter(isSystem) : SYSTEMS,
    options: values.quick
      ? QUICK_OPTIONS
      : {
          ...FULL_OPTIONS,
          minSeconds: seconds,
          stepSeconds: Math.max(FULL_OPTIONS.stepSeconds, seconds),
        },
    coldStart: !values['no-cold'],
    rounds,
    scaling: !values['no-scaling'] && !values.quick,
    command,
    log: (line) => console.error(line),
  });
  console.log(`\n${formatMachine(result)}\n${command}\n\n${formatTable(result)}\n`);
  if (!values['no-write']) {
    await mkdir(RESULTS_DIR, { recursive: true });
    const text = `${JSON.stringify(result, null, 2)}\n`;
    const stamp = result.createdAt.replace(/[:.]/g, '-');
    await writeAtomic(`${RESULTS_DIR}${stamp}.json`, text);
    await writeAtomic(`${RESULTS_DIR}latest.json`, text);
    console.log(`wrote bench/results/${stamp}.json and bench/results/latest.json`);
  }
  return 0;
}

process.exitCode = await main();
