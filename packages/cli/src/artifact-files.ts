import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SeqpipeError } from '@seqpipe/errors';
import type { ArtifactReader } from '@seqpipe/runtime';

/** The runtime takes no fs: this is the Node reader over an artifact directory. */
export function directoryReader(dir: string): ArtifactReader {
  return async (file) => {
    const path = join(dir, file);
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new SeqpipeError(
        'SEQPIPE_ARTIFACT_NOT_FOUND',
        missing
          ? `${path} does not exist: train the pipeline first (\`seqpipe train <pipeline.json>\` or \`npx nx run <pipeline>:train\`).`
          : `cannot read ${path}: ${(error as Error).message}`,
        { file: path, cause: error },
      );
    }
  };
}

/** Default places: artifacts/<name>/ and reports/<name>/ under the working directory. */
export function artifactDirFor(name: string, cwd: string, override?: string): string {
  return resolve(cwd, override ?? join('artifacts', name));
}

export function reportDirFor(name: string, cwd: string, override?: string): string {
  return resolve(cwd, override ?? join('reports', name));
}
