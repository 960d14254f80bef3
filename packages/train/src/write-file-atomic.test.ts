import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDirectoryAtomic, writeFileAtomic } from './write-file-atomic.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqpipe-atomic-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent directories, replaces content and leaves no temporary file', async () => {
    const file = join(root, 'a', 'b', 'metrics.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['metrics.json']);
  });
});

describe('writeDirectoryAtomic', () => {
  it('replaces a directory whole', async () => {
    const dir = join(root, 'artifact');
    await writeDirectoryAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, 'old.txt'), 'old');
    });
    await writeDirectoryAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, 'new.txt'), 'new');
    });
    expect(await readdir(dir)).toEqual(['new.txt']);
    expect(await readdir(root)).toEqual(['artifact']);
  });

  it('keeps the previous directory when writing the new one fails', async () => {
    const dir = join(root, 'artifact');
    await writeDirectoryAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, 'model.json'), 'good');
    });
    await expect(
      writeDirectoryAtomic(dir, async (tmp) => {
        await writeFile(join(tmp, 'model.json'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readFile(join(dir, 'model.json'), 'utf8')).toBe('good');
    expect(await readdir(root)).toEqual(['artifact']);
  });
});
