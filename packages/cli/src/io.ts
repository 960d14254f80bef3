/** Where the CLI writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  readonly stdout: {
    write(chunk: string): unknown;
    readonly isTTY?: boolean | undefined;
    readonly columns?: number | undefined;
  };
  readonly stderr: { write(chunk: string): unknown };
  /** Working directory artifacts and reports are written under. */
  readonly cwd: string;
}
