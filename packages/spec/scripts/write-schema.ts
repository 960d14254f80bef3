/**
 * Writes pipeline.schema.json from src/pipeline-schema.ts (the source of truth), formatted
 * with the repository's prettier settings. Run: npm run schema -w @seqpipe/spec
 * (src/pipeline-schema.test.ts fails while the file and the object differ).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { pipelineSchemaJson } from '../src/pipeline-schema-json.js';

const target = fileURLToPath(new URL('../pipeline.schema.json', import.meta.url));
const options = (await prettier.resolveConfig(target)) ?? {};
writeFileSync(
  target,
  await prettier.format(pipelineSchemaJson(), { ...options, filepath: target }),
);
console.log(`wrote ${target}`);
