import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { pipelineSchema } from './pipeline-schema.js';
import { pipelineSchemaJson } from './pipeline-schema-json.js';

const packageDir = new URL('../', import.meta.url);

describe('pipeline.schema.json', () => {
  it('holds exactly pipelineSchema (run `npm run schema -w @seqpipe/spec` after editing src/pipeline-schema.ts)', () => {
    const written: unknown = JSON.parse(
      readFileSync(new URL('pipeline.schema.json', packageDir), 'utf8'),
    );
    expect(written).toEqual(JSON.parse(pipelineSchemaJson()));
  });

  it('compiles in ajv strict mode and accepts the example pipeline as written (before defaults)', () => {
    const validate = new Ajv({
      strict: true,
      strictTypes: false,
      strictRequired: false,
      discriminator: true,
      allErrors: true,
    }).compile(pipelineSchema);
    const example: unknown = JSON.parse(
      readFileSync(new URL('fixtures/sentiment-rnn.json', packageDir), 'utf8'),
    );
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('describes every property (editor hover text)', () => {
    const missing: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const node = schema as Record<string, unknown>;
      const properties = node['properties'];
      if (typeof properties === 'object' && properties !== null) {
        for (const [key, child] of Object.entries(
          properties as Record<string, Record<string, unknown>>,
        )) {
          const documented =
            typeof child['description'] === 'string' ||
            '$ref' in child ||
            'const' in child ||
            key === 'name';
          if (!documented) missing.push(`${path}/${key}`);
        }
      }
      for (const [key, child] of Object.entries(node)) {
        if (key === 'if' || key === 'then') continue; // conditions, not properties
        if (Array.isArray(child)) child.forEach((item, i) => visit(item, `${path}/${key}/${i}`));
        else visit(child, `${path}/${key}`);
      }
    };
    visit(pipelineSchema, '#');
    expect(missing).toEqual([]);
  });
});
