/**
 * Infers an Nx project for every `pipelines/*.json`: no hand-written project.json per pipeline.
 *
 * Targets: validate, train (cached on the pipeline file, its data files and the packages'
 * sources), evaluate, report, predict. See tools/nx-plugin/README.md.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from '@nx/devkit';

export interface SeqpipePluginOptions {
  /** Command that runs the seqpipe CLI, default `node packages/cli/bin/seqpipe.js`. */
  command?: string;
}

/** Sources of every package that can change a trained model (tests and docs excluded). */
const PACKAGE_SOURCES = [
  '{workspaceRoot}/packages/*/src/**/*.ts',
  '!{workspaceRoot}/packages/*/src/**/*.test.ts',
  '{workspaceRoot}/packages/*/package.json',
  '{workspaceRoot}/package-lock.json',
];

/** The data files a pipeline reads, relative to the workspace root, read from the file itself. */
export function pipelineDataFiles(pipelineFile: string, workspaceRoot: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(workspaceRoot, pipelineFile), 'utf8'));
  } catch {
    return []; // an unreadable pipeline still gets targets; `validate` reports the problem
  }
  const source = (doc as { data?: { source?: { path?: unknown } } }).data?.source;
  if (source === undefined || typeof source.path !== 'string') return [];
  return [posix.normalize(posix.join(dirname(pipelineFile), source.path))];
}

export function pipelineTargets(
  pipelineFile: string,
  workspaceRoot: string,
  options: SeqpipePluginOptions = {},
): Record<string, TargetConfiguration> {
  const name = basename(pipelineFile, '.json');
  const cli = options.command ?? 'node packages/cli/bin/seqpipe.js';
  const file = `{workspaceRoot}/${pipelineFile}`;
  const data = pipelineDataFiles(pipelineFile, workspaceRoot).map((f) => `{workspaceRoot}/${f}`);
  const run = (args: string) => ({
    executor: 'nx:run-commands',
    options: { command: `${cli} ${args}`, cwd: '{workspaceRoot}' },
  });
  return {
    validate: {
      ...run(`validate ${pipelineFile}`),
      cache: true,
      inputs: [
        file,
        '{workspaceRoot}/packages/spec/**/*',
        '!{workspaceRoot}/packages/spec/**/*.test.ts',
      ],
      outputs: [],
    },
    train: {
      ...run(`train ${pipelineFile}`),
      cache: true,
      inputs: [file, ...data, ...PACKAGE_SOURCES],
      outputs: [`{workspaceRoot}/artifacts/${name}`],
    },
    evaluate: {
      ...run(`evaluate ${pipelineFile}`),
      dependsOn: ['train'],
      cache: true,
      inputs: [file, ...data, ...PACKAGE_SOURCES],
      outputs: [`{workspaceRoot}/reports/${name}/metrics.json`],
    },
    report: {
      ...run(`report ${pipelineFile}`),
      dependsOn: ['evaluate'],
      cache: true,
      inputs: [file, ...PACKAGE_SOURCES],
      outputs: [
        `{workspaceRoot}/reports/${name}/report.html`,
        `{workspaceRoot}/reports/${name}/report.md`,
      ],
    },
    predict: {
      ...run(`predict ${pipelineFile}`),
      dependsOn: ['train'],
      cache: false,
    },
    bundle: {
      ...run(`bundle ${pipelineFile} --target all`),
      dependsOn: ['train'],
      cache: true,
      inputs: [file, ...data, ...PACKAGE_SOURCES],
      outputs: [`{workspaceRoot}/dist/bundles/${name}`],
    },
  };
}

export const createNodesV2: CreateNodesV2<SeqpipePluginOptions> = [
  'pipelines/*.json',
  (files, options, context) =>
    files.map((pipelineFile) => {
      const name = basename(pipelineFile, '.json');
      // A virtual root per pipeline: several pipelines share the pipelines/ folder.
      const root = posix.join(dirname(pipelineFile), name);
      return [
        pipelineFile,
        {
          projects: {
            [root]: {
              name,
              root,
              projectType: 'application',
              tags: ['type:pipeline'],
              targets: pipelineTargets(pipelineFile, context.workspaceRoot, options ?? {}),
            },
          },
        },
      ] as const;
    }),
];

export const createNodes = createNodesV2;
