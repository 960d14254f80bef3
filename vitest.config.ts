import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

/** Tests run against each package's sources, the same files the `@seqpipe/source` condition selects. */
const alias = Object.fromEntries(
  readdirSync(packagesDir).map((name) => [
    `@seqpipe/${name}`,
    `${packagesDir}${name}/src/index.ts`,
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tools/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
