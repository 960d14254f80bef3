import type { CliIo } from '../io.js';
import { readPipeline } from '../read-pipeline.js';

export async function validateCommand(file: string, io: CliIo): Promise<number> {
  const { pipeline } = await readPipeline(file, io.cwd);
  const model =
    pipeline.model.type === 'classifier'
      ? pipeline.model.layers.map((l) => l.type).join(' → ')
      : `${pipeline.model.type} model`;
  io.stdout.write(`✓ ${file} is valid: ${pipeline.name} (${pipeline.task}; ${model})\n`);
  return 0;
}
