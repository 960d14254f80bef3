/**
 * Infers an Nx project for every `pipelines/*.json`: no hand-written project.json per pipeline.
 *
 * Targets: validate, train (cached on the pipeline file, its data files and the packages'
 * sources), evaluate, report, predict, bundle. Tags: `type:pipeline`, and `data:external` for
 * pipelines whose data is not in the repository. See tools/nx-plugin/README.md.
 */
import { existsSync, readFileSync } from 'node:fs';
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

/** The `data.source` of a pipeline file, or undefined when it is unreadable or has none. */
function readDataSource(
  pipelineFile: string,
  workspaceRoot: string,
): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(workspaceRoot, pipelineFile), 'utf8'));
  } catch {
    return undefined; // an unreadable pipeline still gets targets; `validate` reports the problem
  }
  const source = (doc as { data?: { source?: unknown } } | null)?.data?.source;
  return typeof source === 'object' && source !== null
    ? (source as Record<string, unknown>)
    : undefined;
}

/**
 * The data files a pipeline reads, relative to the workspace root, read from the file itself:
 * `data.source.path`, and the word index of an `imdbNpz` source.
 */
export function pipelineDataFiles(pipelineFile: string, workspaceRoot: string): string[] {
  const source = readDataSource(pipelineFile, workspaceRoot);
  if (source === undefined) return [];
  return [source['path'], source['wordIndex']]
    .filter((path): path is string => typeof path === 'string')
    .map((path) => posix.normalize(posix.join(dirname(pipelineFile), path)));
}

/**
 * Data source types whose files the repository does not ship: the IMDB reviews are downloaded
 * by the user (see pipelines/data/README.md), and `seqpipe` says where to get them.
 */
export const EXTERNAL_DATA_SOURCES: readonly string[] = ['aclImdb', 'imdbNpz'];

/** The tag of projects whose pipeline needs data from outside the repository. */
export const EXTERNAL_DATA_TAG = 'data:external';

/**
 * A pipeline project's tags: `type:pipeline`, plus `data:external` when its data is not in the
 * repository: a source type in EXTERNAL_DATA_SOURCES, or a data file that does not exist here.
 * `nx run-many -t report --exclude='tag:data:external'` then runs every pipeline that can run.
 */
export function pipelineTags(pipelineFile: string, workspaceRoot: string): string[] {
  const type = readDataSource(pipelineFile, workspaceRoot)?.['type'];
  const external =
    (typeof type === 'string' && EXTERNAL_DATA_SOURCES.includes(type)) ||
    pipelineDataFiles(pipelineFile, workspaceRoot).some(
      (file) => !existsSync(join(workspaceRoot, file)),
    );
  return external ? ['type:pipeline', EXTERNAL_DATA_TAG] : ['type:pipeline'];
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
              tags: pipelineTags(pipelineFile, context.workspaceRoot),
              targets: pipelineTargets(pipelineFile, context.workspaceRoot, options ?? {}),
            },
          },
        },
      ] as const;
    }),
];

export const createNodes = createNodesV2;
