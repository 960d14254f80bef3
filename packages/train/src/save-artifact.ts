import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ArtifactManifest, FileDigest } from '@seqpipe/runtime';
import { writeDirectoryAtomic } from './write-file-atomic.js';

export interface ArtifactContents {
  readonly model: LayersModel;
  /** Keras `to_json()` text of the fitted tokenizer. */
  readonly tokenizerJson: string;
  /** The manifest without `files` (digests are computed here). */
  readonly manifest: Omit<ArtifactManifest, 'files'>;
  /** Extra JSON files (history.json, ...), digested too. */
  readonly extraFiles?: Readonly<Record<string, unknown>>;
}

/**
 * Serialises a model the way `tf.io` does on the web (a `model.json` that stock
 * `tf.loadLayersModel` reads, plus one `weights.bin`), without tfjs-node.
 */
export async function serializeModel(
  model: LayersModel,
): Promise<{ modelJson: string; weights: Uint8Array }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await withoutStateArgumentWarnings(model, () =>
    model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    ),
  );
  if (saved === undefined) throw new Error('tfjs returned no model artifacts');
  const weightData = saved.weightData ?? new ArrayBuffer(0);
  const weights = new Uint8Array(
    Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData,
  );
  const modelJson: tf.io.ModelJSON = {
    modelTopology: saved.modelTopology as object,
    format: saved.format ?? 'layers-model',
    generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
    convertedBy: saved.convertedBy ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs ?? [] }],
    ...(saved.trainingConfig !== undefined ? { trainingConfig: saved.trainingConfig } : {}),
  };
  return { modelJson: JSON.stringify(modelJson), weights };
}

/** A layer's call as tfjs-layers records it (`Node.callArgs`: the keyword arguments). */
interface LayerCall {
  readonly callArgs?: Record<string, unknown>;
}

/**
 * Runs `save` without tfjs-layers' warning that a layer "was passed non-serializable keyword
 * arguments" when the only such argument is a recurrent layer's `initialState` (the decoder of an
 * encoder-decoder model): those tensors are also the call's extra inputs, which the saved
 * topology keeps, and `tf.loadLayersModel` hands them back to the layer as its initial state
 * (tested in `save-artifact.test.ts`). Any other such warning still prints.
 */
async function withoutStateArgumentWarnings<T>(
  model: LayersModel,
  save: () => Promise<T>,
): Promise<T> {
  const benign = new Set<string>();
  for (const layer of model.layers) {
    const nodes = (layer as unknown as { inboundNodes?: LayerCall[] }).inboundNodes ?? [];
    const onlyStates = nodes.every((node) => {
      const { initialState, ...rest } = node.callArgs ?? {};
      return initialState === undefined || isJson(rest);
    });
    if (onlyStates && nodes.some((node) => node.callArgs?.initialState !== undefined)) {
      benign.add(`Layer ${layer.name} was passed non-serializable keyword arguments`);
    }
  }
  if (benign.size === 0) return save();
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const message = args[0];
    if (typeof message === 'string' && [...benign].some((start) => message.startsWith(start))) {
      return;
    }
    warn(...args);
  };
  try {
    return await save();
  } finally {
    console.warn = warn;
  }
}

function isJson(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

function digest(bytes: Uint8Array | string): FileDigest {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return { sha256: createHash('sha256').update(buffer).digest('hex'), bytes: buffer.byteLength };
}

/**
 * Writes an artifact directory atomically (temporary directory, then rename): a crash never
 * leaves half an artifact, and the previous artifact stays until the new one is complete.
 */
export async function saveArtifact(
  dir: string,
  contents: ArtifactContents,
): Promise<ArtifactManifest> {
  const { modelJson, weights } = await serializeModel(contents.model);
  const files: Record<string, string | Uint8Array> = {
    'tokenizer.json': contents.tokenizerJson,
    'model.json': modelJson,
    'weights.bin': weights,
  };
  for (const [name, value] of Object.entries(contents.extraFiles ?? {})) {
    files[name] = `${JSON.stringify(value, null, 2)}\n`;
  }
  const manifest: ArtifactManifest = {
    ...contents.manifest,
    files: Object.fromEntries(Object.entries(files).map(([name, data]) => [name, digest(data)])),
  };
  await writeDirectoryAtomic(dir, async (tmp) => {
    for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), data);
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return manifest;
}

/** sha256 of a value's canonical JSON (keys sorted), for `manifest.pipelineHash`. */
export function canonicalHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}
