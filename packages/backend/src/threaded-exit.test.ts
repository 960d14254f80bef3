import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seqpipe-backend-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a TypeScript module in a fresh Node process (tsx), killing it after `timeoutMs`. */
function runChild(source: string, timeoutMs: number): Promise<ChildResult> {
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, source);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@seqpipe/source', '--import', 'tsx', file],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe('threaded wasm in a plain Node process', () => {
  it('computes on 2 threads (XNNPACK and fused kernels) and the process exits by itself', async () => {
    const result = await runChild(
      `import { createRequire } from 'node:module';
       import { fusedLstm, initBackend, kernelThreadStats } from ${JSON.stringify(entry)};
       const require = createRequire(${JSON.stringify(entry)});
       const tf = require('@tensorflow/tfjs-core');
       const { getThreadsCount } = require('@tensorflow/tfjs-backend-wasm');
       const info = await initBackend({ threads: 2, xnnpackThreads: 2 });
       const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([300, 200]), tf.ones([200, 100]))).dataSync()[0]);
       // A call big enough to split its batch over the fused kernels' worker thread.
       const lstm = tf.tidy(() => fusedLstm(tf.ones([16, 64, 32]), tf.fill([32, 192], 0.01), tf.fill([48, 192], 0.01), null).output.shape);
       console.log(JSON.stringify({ info, threads: getThreadsCount(), sum, lstm, workers: kernelThreadStats() }));
       // No process.exit: the pthread workers must not keep the event loop alive.`,
      60_000,
    );
    expect(
      result.signal,
      `child was killed (hung?) after ${result.ms.toFixed(0)} ms; stderr: ${result.stderr}`,
    ).toBeNull();
    expect(result.code, result.stderr).toBe(0);
    const line = result.stdout.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(line) as {
      info: { backend: string; threads: number };
      threads: number;
      sum: number;
      lstm: number[];
      workers: { threads: number; workerJobs: number };
    };
    expect(parsed.lstm).toEqual([16, 48]);
    expect(parsed.workers).toMatchObject({ threads: 2, workerJobs: 2 });
    expect(parsed.info.backend).toBe('wasm');
    expect(parsed.info.threads).toBe(2);
    expect(parsed.threads).toBe(2);
    expect(parsed.sum).toBe(300 * 100 * 200);
  });
});
