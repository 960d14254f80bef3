import { applyDefaults } from './apply-defaults.js';
import { migratePipeline } from './migrate-pipeline.js';
import { parsePipeline } from './parse-pipeline.js';
import type { Pipeline } from './pipeline-types.js';
import { validatePipeline } from './validate-pipeline.js';

/** Every stage but compile: parse -> migrate -> defaults -> validate. */
export function loadPipeline(text: string, file?: string): Pipeline {
  return validatePipeline(applyDefaults(migratePipeline(parsePipeline(text, file), { file })), {
    file,
  });
}
