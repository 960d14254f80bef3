import type { CliIo } from '@seqpipe/cli';

/** An in-memory CliIo: what the CLI printed, for assertions (e2e tests, the deploy harness). */
export function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    stdout: { write: (chunk: string) => (out += chunk), isTTY: false },
    stderr: { write: (chunk: string) => (err += chunk) },
    out: () => out,
    err: () => err,
  };
}
