import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { fuseModel, initBackend, type BackendOptions } from '@seqpipe/backend';
import { SeqpipeError } from '@seqpipe/errors';
import { Tokenizer } from '@seqpipe/text';
import { toReader, type ArtifactSource } from './artifact-source.js';
import { parseManifest, type ArtifactManifest } from './manifest.js';
import { sha256Hex } from './sha256.js';
import { TextClassifier } from './text-classifier.js';

export interface LoadArtifactOptions {
  /**
   * Backend to initialise before loading. Default: keep the active backend if one is set,
   * else WASM. `false`: never touch the backend.
   */
  readonly backend?: BackendOptions | false;
  /** Verify every file's sha256 against the manifest (default true). */
  readonly verify?: boolean;
}

const decoder = new TextDecoder();

/** Reads, verifies and loads an artifact written by `@seqpipe/train`. */
export async function loadArtifact(
  source: ArtifactSource,
  options: LoadArtifactOptions = {},
): Promise<TextClassifier> {
  const read = toReader(source);
  const manifest = parseManifest(decoder.decode(await read('manifest.json')));
  const files = await readVerified(read, manifest, options.verify ?? true);

  if (options.backend !== false) {
    if (options.backend !== undefined) await initBackend(options.backend);
    else if (!tf.engine().backendName) await initBackend({ type: 'wasm' });
  }

  const tokenizer = Tokenizer.fromJSON(decoder.decode(files.get('tokenizer.json')));
  const modelJSON = parseJsonFile<tf.io.ModelJSON>(files.get('model.json'), 'model.json');
  const weights = files.get('weights.bin') as Uint8Array;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifestConfig) => {
    const specs = manifestConfig.flatMap((group) => group.weights);
    const buffer = weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    );
    return [specs, buffer as ArrayBuffer];
  });
  // Recurrent layers predict with seqpipe's fused kernels (when the backend has them).
  const model = fuseModel(await loadLayersModel(tf.io.fromMemory(artifacts)), {
    lazyEmbeddings: true,
  });
  return new TextClassifier(manifest, tokenizer, model);
}

async function readVerified(
  read: (file: string) => Promise<Uint8Array>,
  manifest: ArtifactManifest,
  verify: boolean,
): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of ['tokenizer.json', 'model.json', 'weights.bin']) {
    const bytes = await read(name);
    const expected = manifest.files[name];
    if (verify && expected !== undefined) {
      const actual = await sha256Hex(bytes);
      if (actual !== expected.sha256) {
        throw new SeqpipeError(
          'SEQPIPE_ARTIFACT_INVALID',
          `${name} does not match its sha256 in manifest.json (expected ${expected.sha256}, got ${actual}): the artifact is corrupt or was edited. Re-create it with \`seqpipe train\`.`,
          {
            file: name,
            issues: [
              {
                path: `/files/${name}/sha256`,
                message: 'digest mismatch',
                expected: expected.sha256,
                received: actual,
              },
            ],
          },
        );
      }
    }
    files.set(name, bytes);
  }
  return files;
}

function parseJsonFile<T>(bytes: Uint8Array | undefined, file: string): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (error) {
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `${file} is not valid JSON (${(error as Error).message}).`,
      {
        file,
        cause: error,
      },
    );
  }
}
