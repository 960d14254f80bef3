import { SeqpipeError } from '@seqpipe/errors';

/** Reads one file of an artifact by its name inside the artifact (`model.json`, `weights.bin`, ...). */
export type ArtifactReader = (file: string) => Promise<Uint8Array>;

/**
 * Where an artifact comes from. No fs here: a Node caller passes a reader over its files
 * (the CLI does), a browser or worker passes a URL or the bytes it already holds.
 */
export type ArtifactSource =
  | ArtifactReader
  | { readonly files: Readonly<Record<string, Uint8Array | string>> }
  | { readonly url: string | URL; readonly fetch?: typeof fetch };

const encoder = new TextEncoder();

/** Turns any ArtifactSource into a reader with errors that name the missing file. */
export function toReader(source: ArtifactSource): ArtifactReader {
  if (typeof source === 'function') return source;
  if ('files' in source) {
    const files = source.files;
    return async (file) => {
      const content = files[file];
      if (content === undefined) {
        throw new SeqpipeError(
          'SEQPIPE_ARTIFACT_NOT_FOUND',
          `artifact file "${file}" is missing from the given files (have: ${Object.keys(files).join(', ') || 'none'}).`,
          { file },
        );
      }
      return typeof content === 'string' ? encoder.encode(content) : content;
    };
  }
  const base = new URL(
    String(source.url).endsWith('/') ? String(source.url) : `${String(source.url)}/`,
  );
  const fetchFn = source.fetch ?? globalThis.fetch;
  return async (file) => {
    const url = new URL(file, base);
    let response: Response;
    try {
      response = await fetchFn(url);
    } catch (error) {
      throw new SeqpipeError(
        'SEQPIPE_ARTIFACT_NOT_FOUND',
        `could not fetch ${url.href}: ${(error as Error).message}`,
        {
          file: url.href,
          cause: error,
        },
      );
    }
    if (!response.ok) {
      throw new SeqpipeError(
        'SEQPIPE_ARTIFACT_NOT_FOUND',
        `fetching ${url.href} answered ${response.status} ${response.statusText}: is the artifact served at ${base.href}?`,
        { file: url.href },
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}
