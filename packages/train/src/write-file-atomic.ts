import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A sibling path in the same directory (same filesystem, so rename is atomic). */
export function temporarySibling(path: string, tag = 'tmp'): string {
  return join(
    dirname(path),
    `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** Writes a file so readers see the old content or the new, never half: temp file, then rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Builds a directory atomically: `fill` writes into a temporary sibling directory, which then
 * replaces `dir` (the previous one is moved aside, then removed). A crash during `fill` leaves
 * the previous directory untouched.
 */
export async function writeDirectoryAtomic(
  dir: string,
  fill: (tmpDir: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = temporarySibling(dir);
  await mkdir(tmp);
  try {
    await fill(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = temporarySibling(dir, 'old');
  let moved = false;
  try {
    await rename(dir, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(tmp, dir);
  } catch (error) {
    if (moved) await rename(old, dir); // put the previous artifact back
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
