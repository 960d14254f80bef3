import { basename, dirname, join, relative, resolve } from 'node:path';
import { trainPipeline, type TrainResult } from '@seqpipe/train';
import { artifactDirFor } from '../artifact-files.js';
import type { CliIo } from '../io.js';
import type { LoadedPipeline } from '../read-pipeline.js';

export interface TrainFlags {
  readonly out?: string | undefined;
  /** Continue the latest checkpoint (`--resume`). */
  readonly resume?: boolean | undefined;
  /** Folder relative data paths resolve against (`--data-dir`). */
  readonly dataDir?: string | undefined;
}

/** Where a pipeline's per-epoch checkpoints go: `artifacts/.checkpoints/<name>/` beside the artifact. */
export function checkpointDirFor(artifactDir: string): string {
  return join(dirname(artifactDir), '.checkpoints', basename(artifactDir));
}

/** `--data-dir` for commands that read data (evaluate, run): data files are looked up there. */
export function withDataDir(
  loaded: LoadedPipeline,
  dataDir: string | undefined,
  cwd: string,
): LoadedPipeline {
  return dataDir === undefined ? loaded : { ...loaded, dataDir: resolve(cwd, dataDir) };
}

export async function runTraining(
  loaded: LoadedPipeline,
  flags: TrainFlags,
  io: CliIo,
): Promise<TrainResult> {
  const artifactDir = artifactDirFor(loaded.pipeline.name, io.cwd, flags.out);
  const dataDir = flags.dataDir !== undefined ? resolve(io.cwd, flags.dataDir) : loaded.dataDir;
  const result = await trainPipeline(loaded.pipeline, {
    baseDir: loaded.baseDir,
    file: loaded.file,
    artifactDir,
    checkpointDir: checkpointDirFor(artifactDir),
    ...(flags.resume === true ? { resume: true } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
    progress: io.stdout,
    log: (line) => io.stdout.write(`${line}\n`),
  });
  const files = Object.entries(result.manifest.files)
    .map(([name, d]) => `${name} ${formatBytes(d.bytes)}`)
    .join(', ');
  io.stdout.write(
    `trained in ${result.seconds.toFixed(1)}s · artifact ${relative(io.cwd, artifactDir) || '.'}/ (manifest.json, ${files})\n`,
  );
  return result;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
