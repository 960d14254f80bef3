import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_FILE,
  generateManifestValidator,
} from '../scripts/generate-manifest-validator.js';

describe('the precompiled manifest validator', () => {
  it('is up to date with src/manifest-schema.ts (else: npm run build:validators -w @seqpipe/runtime)', async () => {
    expect(await readFile(GENERATED_FILE, 'utf8')).toBe(await generateManifestValidator());
  });

  it('generates no code at run time and needs no ajv at run time', async () => {
    const code = await readFile(GENERATED_FILE, 'utf8');
    expect(code).not.toMatch(/new Function|\beval\(|\brequire\(|^import /m);
  });
});
