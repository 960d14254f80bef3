import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { fuseModel, initBackend } from '@seqpipe/backend';
import { SeqpipeError } from '@seqpipe/errors';
import { Vocabulary, type VocabularyJSON } from '@seqpipe/text';
import { toReader, type ArtifactSource } from './artifact-source.js';
import type { LoadArtifactOptions } from './load-artifact.js';
import { parseSeq2seqManifest, SEQ2SEQ_FILES } from './seq2seq-manifest.js';
import { sha256Hex } from './sha256.js';
import { Translator } from './translator.js';

const decoder = new TextDecoder();

/**
 * tfjs' RNN.apply writes `initialState` into the kwargs object tfjs' graph executor shares
 * between layers, so the second recurrent call of a decoder step throws ("When inputs is an
 * array, neither initialState or constants should be provided"). Each call gets a copy.
 * (`@seqpipe/spec` does the same for the models it builds.)
 */
function isolateRecurrentKwargs(model: LayersModel): void {
  for (const layer of model.layers) {
    if (!('cell' in layer)) continue;
    const apply = layer.apply.bind(layer);
    layer.apply = (inputs, kwargs) => {
      if (kwargs === undefined) return apply(inputs);
      const copy: Record<string, unknown> = { ...kwargs };
      if (Array.isArray(inputs)) delete copy['initialState'];
      return apply(inputs, copy);
    };
  }
}

async function loadModel(
  json: Uint8Array,
  weights: Uint8Array,
  file: string,
): Promise<LayersModel> {
  let modelJSON: tf.io.ModelJSON;
  try {
    modelJSON = JSON.parse(decoder.decode(json)) as tf.io.ModelJSON;
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
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (groups) => [
    groups.flatMap((group) => group.weights),
    weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer,
  ]);
  const model = fuseModel(await loadLayersModel(tf.io.fromMemory(artifacts)), {
    lazyEmbeddings: true,
  });
  isolateRecurrentKwargs(model);
  return model;
}

/**
 * Reads, verifies and loads a seq2seq artifact written by `@seqpipe/train` (manifest
 * `task: "seq2seq"`): the vocabularies and the inference encoder and decoder-step models.
 */
export async function loadTranslator(
  source: ArtifactSource,
  options: LoadArtifactOptions = {},
): Promise<Translator> {
  const read = toReader(source);
  let doc: unknown;
  try {
    doc = JSON.parse(decoder.decode(await read('manifest.json')));
  } catch (error) {
    if (error instanceof SeqpipeError) throw error;
    throw new SeqpipeError(
      'SEQPIPE_ARTIFACT_INVALID',
      `manifest.json is not valid JSON (${(error as Error).message}).`,
      {
        file: 'manifest.json',
        cause: error,
      },
    );
  }
  const manifest = parseSeq2seqManifest(doc);
  const files = new Map<string, Uint8Array>();
  for (const name of SEQ2SEQ_FILES) {
    const bytes = await read(name);
    const expected = manifest.files[name];
    if ((options.verify ?? true) && expected !== undefined) {
      const actual = await sha256Hex(bytes);
      if (actual !== expected.sha256) {
        throw new SeqpipeError(
          'SEQPIPE_ARTIFACT_INVALID',
          `${name} does not match its sha256 in manifest.json (expected ${expected.sha256}, got ${actual}): the artifact is corrupt or was edited. Re-create it with \`seqpipe train\`.`,
          { file: name, issues: [{ path: `/files/${name}/sha256`, message: 'digest mismatch' }] },
        );
      }
    }
    files.set(name, bytes);
  }
  if (options.backend !== false) {
    if (options.backend !== undefined) await initBackend(options.backend);
    else if (!tf.engine().backendName) await initBackend({ type: 'wasm' });
  }
  const vocabularies = JSON.parse(decoder.decode(files.get('vocabularies.json'))) as {
    input: VocabularyJSON;
    target: VocabularyJSON;
  };
  const encoder = await loadModel(
    files.get('encoder.json') as Uint8Array,
    files.get('encoder.bin') as Uint8Array,
    'encoder.json',
  );
  const decoderModel = await loadModel(
    files.get('decoder.json') as Uint8Array,
    files.get('decoder.bin') as Uint8Array,
    'decoder.json',
  );
  return new Translator(
    manifest,
    Vocabulary.fromJSON(vocabularies.input),
    Vocabulary.fromJSON(vocabularies.target),
    encoder,
    decoderModel,
  );
}
