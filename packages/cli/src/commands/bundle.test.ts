import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import type { CliIo } from '../io.js';
import { BROWSER_CSP } from './bundle.js';

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    out: () => out,
    err: () => err,
  };
}

const pipeline = {
  name: 'bundle-unit',
  task: 'binaryClassification',
  data: {
    source: {
      type: 'inline',
      records: [
        { text: 'a', label: 0 },
        { text: 'b', label: 1 },
      ],
    },
    input: 'text',
    target: 'label',
  },
  preprocess: { type: 'words', maxLen: 4 },
  model: {
    type: 'classifier',
    layers: [
      { type: 'embedding', outputDim: 4 },
      { type: 'simpleRnn', units: 4 },
      { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqpipe-bundle-unit-'));
  await writeFile(join(dir, 'p.json'), JSON.stringify(pipeline));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('seqpipe bundle', () => {
  it('needs a known --target (usage error, exit 2)', async () => {
    const missing = io(dir);
    expect(await main(['bundle', 'p.json'], missing)).toBe(2);
    expect(missing.err()).toMatch(
      /SEQPIPE_USAGE: `seqpipe bundle` needs --target: one of node, deno, bun, worker, browser or all/,
    );
    const unknown = io(dir);
    expect(await main(['bundle', 'p.json', '--target', 'lambda'], unknown)).toBe(2);
    expect(unknown.err()).toMatch(/unknown bundle target "lambda"/);
  });

  it('says to train first when the artifact is missing (exit 1)', async () => {
    const missing = io(dir);
    expect(await main(['bundle', 'p.json', '--target', 'node'], missing)).toBe(1);
    expect(missing.err()).toMatch(
      /SEQPIPE_ARTIFACT_NOT_FOUND: .*manifest.json does not exist: train the pipeline first/,
    );
  });

  it('rejects an artifact whose manifest is invalid, naming the file', async () => {
    const artifact = join(dir, 'broken');
    await mkdir(artifact, { recursive: true });
    await writeFile(join(artifact, 'manifest.json'), JSON.stringify({ formatVersion: 9 }));
    const broken = io(dir);
    expect(
      await main(['bundle', 'p.json', '--target', 'node', '--artifact', 'broken'], broken),
    ).toBe(1);
    expect(broken.err()).toMatch(
      /SEQPIPE_ARTIFACT_INVALID: .*broken\/manifest.json is not a valid seqpipe artifact manifest/,
    );
    expect(broken.err()).toMatch(/- \/formatVersion/);
    await expect(readdir(join(dir, 'dist'))).rejects.toThrow(); // nothing written
  });

  it('declares a page CSP without unsafe-eval', () => {
    expect(BROWSER_CSP).toContain("'wasm-unsafe-eval'");
    expect(BROWSER_CSP).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  });
});
