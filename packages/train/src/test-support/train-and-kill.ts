import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * Runs train-until-killed.ts in a child process until it reports the pause in `pauseEpoch`
 * (1-based, after its second batch), then kill -9s it.
 */
export async function trainAndKill(
  file: string,
  artifactDir: string,
  checkpointDir: string,
  pauseEpoch = 3,
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@seqpipe/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'train-until-killed.ts'),
      file,
      artifactDir,
      checkpointDir,
      String(pauseEpoch),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('PAUSED')) resolve();
    });
    child.on('exit', () => reject(new Error(`child ended before pausing: ${out}\n${err}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}
