import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SeqpipeError, describeValue, formatIssue, type Issue } from '@seqpipe/errors';
import { didYouMean } from './did-you-mean.js';
import { childPointer, lastSegment } from './json-pointer.js';
import { pipelineSchema, type JsonSchema } from './pipeline-schema.js';
import type { Pipeline, ValidationResult } from './pipeline-types.js';
import { semanticIssues } from './semantic-checks.js';

export interface ValidateOptions {
  /** The pipeline file, named in the error message. */
  file?: string | undefined;
}

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({
    allErrors: true,
    discriminator: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  }).compile(pipelineSchema);
  return compiled;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/definitions/x`) in the pipeline schema. */
function resolve(schema: unknown): JsonSchema | undefined {
  if (!isSchema(schema)) return undefined;
  const ref = schema['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = pipelineSchema;
  for (const key of ref.slice(2).split('/')) node = isSchema(node) ? node[key] : undefined;
  return resolve(node);
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** A short English rendering of what a schema accepts: `an integer >= 1`, `one of "a", "b"`. */
function describeSchema(input: unknown): string {
  const schema = resolve(input);
  if (schema === undefined) return 'a valid value';
  if ('const' in schema) return JSON.stringify(schema['const']);
  if (Array.isArray(schema['enum']))
    return `one of ${schema['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(alternatives) && schema['discriminator'] === undefined)
    return alternatives.map(describeSchema).join(' or ');
  if (Array.isArray(schema['oneOf'])) return `a ${String(schema['title'] ?? 'value')} object`;
  const types = Array.isArray(schema['type'])
    ? (schema['type'] as string[])
    : typeof schema['type'] === 'string'
      ? [schema['type']]
      : [];
  if (types.length === 0) return 'a valid value';
  let text = types.map(article).join(' or ');
  const bounds: string[] = [];
  if (typeof schema['minimum'] === 'number') bounds.push(`>= ${schema['minimum']}`);
  if (typeof schema['exclusiveMinimum'] === 'number')
    bounds.push(`> ${schema['exclusiveMinimum']}`);
  if (typeof schema['maximum'] === 'number') bounds.push(`<= ${schema['maximum']}`);
  if (typeof schema['exclusiveMaximum'] === 'number')
    bounds.push(`< ${schema['exclusiveMaximum']}`);
  if (bounds.length > 0) text += ` ${bounds.join(' and ')}`;
  return text;
}

/** The values a discriminated union accepts for its tag. */
function tagValues(union: unknown, tag: string): string[] {
  const schema = resolve(union);
  const branches = schema?.['oneOf'];
  if (!Array.isArray(branches)) return [];
  return branches.flatMap((branch) => {
    const property = resolve(branch)?.['properties'];
    const tagSchema = isSchema(property) ? resolve(property[tag]) : undefined;
    return tagSchema !== undefined && typeof tagSchema['const'] === 'string'
      ? [tagSchema['const']]
      : [];
  });
}

/** What an enum value is called in messages: the schema's title, else the property name. */
function noun(error: ErrorObject): string {
  const title = isSchema(error.parentSchema) ? error.parentSchema['title'] : undefined;
  if (typeof title === 'string') return title;
  const key = lastSegment(error.instancePath);
  return key === '' || /^\d+$/.test(key) ? 'value' : key;
}

function optionalHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

function toIssue(error: ErrorObject): Issue | undefined {
  const params = error.params as Record<string, unknown>;
  const path = error.instancePath;
  const received = describeValue(error.data);
  switch (error.keyword) {
    case 'if':
      return undefined; // the failing `then` reports the real problem
    case 'required': {
      const property = String(params['missingProperty']);
      const discriminator = isSchema(error.parentSchema)
        ? error.parentSchema['discriminator']
        : undefined;
      if (isSchema(discriminator) && discriminator['propertyName'] === property) {
        const title = isSchema(error.parentSchema)
          ? String(error.parentSchema['title'] ?? 'type')
          : 'type';
        return {
          path: childPointer(path, property),
          message: `missing "${property}" (which ${title})`,
          expected: `one of ${tagValues(error.parentSchema, property).join(', ')}`,
        };
      }
      const properties = isSchema(error.parentSchema)
        ? error.parentSchema['properties']
        : undefined;
      const propertySchema = isSchema(properties) ? resolve(properties[property]) : undefined;
      const description = propertySchema?.['description'];
      return {
        path: childPointer(path, property),
        message: `missing required property "${property}"`,
        expected: describeSchema(propertySchema),
        ...(typeof description === 'string' ? { hint: description } : {}),
      };
    }
    case 'additionalProperties': {
      const property = String(params['additionalProperty']);
      const properties = isSchema(error.parentSchema)
        ? error.parentSchema['properties']
        : undefined;
      const known = isSchema(properties) ? Object.keys(properties) : [];
      return {
        path: childPointer(path, property),
        message: `unknown property "${property}"`,
        expected: `one of ${known.join(', ')}`,
        hint: didYouMean(property, known) ?? 'remove it',
      };
    }
    case 'discriminator': {
      const tag = String(params['tag']);
      const allowed = tagValues(error.parentSchema, tag);
      const title =
        isSchema(error.parentSchema) && typeof error.parentSchema['title'] === 'string'
          ? error.parentSchema['title']
          : 'type';
      const expected = `one of ${allowed.join(', ')}`;
      const value: unknown = isSchema(error.data) ? error.data[tag] : undefined;
      if (params['error'] === 'mapping' && typeof value === 'string') {
        return {
          path: childPointer(path, tag),
          message: `unknown ${title} "${value}"`,
          expected,
          received: describeValue(value),
          ...optionalHint(didYouMean(value, allowed)),
        };
      }
      return {
        path: childPointer(path, tag),
        message:
          value === undefined ? `missing "${tag}" (which ${title})` : `"${tag}" must be a string`,
        expected,
        received: describeValue(value),
      };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const value = error.data;
      return {
        path,
        message:
          typeof value === 'string'
            ? `unknown ${noun(error)} "${value}"`
            : `${noun(error)} must be one of the allowed values`,
        expected: `one of ${allowed.join(', ')}`,
        received,
        ...(typeof value === 'string' ? optionalHint(didYouMean(value, allowed)) : {}),
      };
    }
    case 'anyOf':
    case 'oneOf': {
      const expected = describeSchema(error.parentSchema);
      return { path, message: `must be ${expected}`, expected, received };
    }
    case 'type': {
      const expected = describeSchema(error.parentSchema);
      return { path, message: `must be ${expected}`, expected, received };
    }
    case 'pattern': {
      const description = isSchema(error.parentSchema)
        ? error.parentSchema['description']
        : undefined;
      return {
        path,
        message: `does not match ${String(params['pattern'])}`,
        expected: `a string matching ${String(params['pattern'])}`,
        received,
        ...(typeof description === 'string' ? { hint: description } : {}),
      };
    }
    default:
      return {
        path,
        message: error.message ?? `fails ${error.keyword}`,
        expected: describeSchema(error.parentSchema),
        received,
      };
  }
}

/**
 * ajv errors to one issue per problem: drops the failing branches of a non-discriminated
 * anyOf/oneOf (its own error says what is accepted) and keeps one issue per path.
 */
export function schemaIssues(errors: readonly ErrorObject[]): Issue[] {
  const unions = errors.filter(
    (e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && e.instancePath !== undefined,
  );
  const kept = errors.filter(
    (e) =>
      !unions.some(
        (union) =>
          union !== e &&
          e.instancePath === union.instancePath &&
          e.schemaPath.startsWith(`${union.schemaPath}/`),
      ),
  );
  return dedupe(kept.map(toIssue).filter((issue): issue is Issue => issue !== undefined));
}

/** One issue per path, the first one found. */
function dedupe(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (seen.has(issue.path)) return false;
    seen.add(issue.path);
    return true;
  });
}

/**
 * Every problem of a (migrated, defaulted) pipeline: JSON Schema issues, then the semantic
 * checks. Returns the typed pipeline when there are none.
 */
export function safeValidatePipeline(
  doc: unknown,
  _options: ValidateOptions = {},
): ValidationResult {
  const validate = schemaValidator();
  const valid = validate(doc);
  const issues = dedupe([
    ...(valid ? [] : schemaIssues(validate.errors ?? [])),
    ...semanticIssues(doc),
  ]);
  return issues.length === 0 ? { ok: true, value: doc as Pipeline } : { ok: false, issues };
}

/**
 * Validate stage: the typed pipeline, or ONE `SeqpipeError('SEQPIPE_SPEC_INVALID')` whose
 * `issues` list every problem (JSON Pointer path, message, expected, received, hint) and whose
 * message names the file and prints each issue on its own line.
 */
export function validatePipeline(doc: unknown, options: ValidateOptions = {}): Pipeline {
  const result = safeValidatePipeline(doc, options);
  if (result.ok) return result.value;
  throw invalidPipelineError(result.issues, options.file);
}

export function invalidPipelineError(
  issues: readonly Issue[],
  file: string | undefined,
): SeqpipeError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n');
  return new SeqpipeError(
    'SEQPIPE_SPEC_INVALID',
    `${file ?? 'pipeline'} is invalid (${count}):\n${lines}`,
    {
      ...(file === undefined ? {} : { file }),
      issues,
    },
  );
}
