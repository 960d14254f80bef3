import { pipelineSchema } from './pipeline-schema.js';

/** The exact text of `pipeline.schema.json`: `pipelineSchema`, two-space indented, newline-terminated. */
export function pipelineSchemaJson(): string {
  return `${JSON.stringify(pipelineSchema, null, 2)}\n`;
}
