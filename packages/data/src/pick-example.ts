import { describeValue, type Issue } from '@seqpipe/errors';
import { closestName } from './closest-name.js';
import type { FieldKey, FieldMapping } from './data-config.js';
import type { SourceItem } from './data-source.js';

/** A record as a source read it: a JSON object, or a row of cells (with header names, if any). */
export type RawRecord =
  | { readonly kind: 'object'; readonly value: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'row';
      readonly cells: readonly unknown[];
      readonly names?: readonly string[] | undefined;
    };

/** Where a record is, for messages: `line 3` in a file, or its JSON Pointer for inline records. */
export interface RecordLocation {
  /** Starts every issue message, e.g. `line 3` or `/data/source/records/2`. */
  readonly label: string;
  /** The record's first line in its file, when it comes from a file. */
  readonly line?: number | undefined;
}

type Role = 'input' | 'target';

/**
 * Takes the input and target out of one record. Yields the example, or one issue per bad
 * field (missing, wrong type, empty), each pointing at `/data/input` or `/data/target`.
 */
export function pickExample(
  record: RawRecord,
  fields: FieldMapping,
  where: RecordLocation,
): SourceItem[] {
  const issues: Issue[] = [];
  const input = fieldValue(record, fields.input, 'input', where, issues);
  const target = fieldValue(record, fields.target, 'target', where, issues);
  if (input.found) checkInput(input.value, fields.input, where, issues);
  if (target.found) checkTarget(target.value, fields.target, where, issues);
  if (issues.length > 0 || !input.found || !target.found) {
    return issues.map((issue) => ({ kind: 'issue', issue, line: where.line }));
  }
  // checkInput and checkTarget added an issue unless these types hold
  const example = { input: input.value as string, target: target.value as string | number };
  return [{ kind: 'example', example }];
}

type Lookup = { found: true; value: unknown } | { found: false };

function fieldValue(
  record: RawRecord,
  key: FieldKey,
  role: Role,
  where: RecordLocation,
  issues: Issue[],
): Lookup {
  const path = `/data/${role}`;
  if (record.kind === 'object') {
    const names = Object.keys(record.value);
    if (typeof key === 'number') {
      issues.push({
        path,
        message: `${where.label} is a JSON object, but /data/${role} is the column index ${key}`,
        received: describeFields(names),
        hint: `set /data/${role} to a field name such as ${describeValue(names[0] ?? 'text')}`,
      });
      return { found: false };
    }
    if (!Object.hasOwn(record.value, key)) {
      issues.push(missingField(where, key, role, names));
      return { found: false };
    }
    return { found: true, value: record.value[key] };
  }

  const { cells, names } = record;
  let index: number;
  if (typeof key === 'string') {
    index = names?.indexOf(key) ?? -1;
    if (index < 0) {
      if (names !== undefined) {
        issues.push(missingField(where, key, role, names));
      } else {
        issues.push({
          path,
          message: `${where.label} is an array of ${cells.length} values, which have no field names, but /data/${role} names the field "${key}"`,
          received: describeValue(cells),
          hint: `set /data/${role} to a 0-based column index, or write the line as a JSON object`,
        });
      }
      return { found: false };
    }
  } else {
    index = key;
  }
  if (index >= cells.length) {
    const column =
      typeof key === 'string' ? `column "${key}" (column ${index})` : `column ${index}`;
    issues.push({
      path,
      message: `${where.label} has ${plural(cells.length, 'column')}, so it has no ${column}`,
      received: describeValue(cells),
      hint: `give every record ${index + 1} or more columns, or fix /data/${role} (columns count from 0)`,
    });
    return { found: false };
  }
  return { found: true, value: cells[index] };
}

function missingField(
  where: RecordLocation,
  key: string,
  role: Role,
  names: readonly string[],
): Issue {
  const guess = closestName(key, names);
  const fix = `set /data/${role} to the field that holds the ${role === 'input' ? 'input text' : 'target'}`;
  return {
    path: `/data/${role}`,
    message: `${where.label} has no field "${key}"`,
    received: describeFields(names),
    hint:
      guess !== undefined
        ? `did you mean "${guess}"? ${fix}`
        : `${fix}, or add "${key}" to the record`,
  };
}

function checkInput(value: unknown, key: FieldKey, where: RecordLocation, issues: Issue[]): void {
  const name = describeKey(key);
  if (typeof value !== 'string') {
    issues.push({
      path: '/data/input',
      message: `${where.label}: the input ${name} is not a string`,
      expected: 'a string',
      received: describeValue(value),
      hint: 'input texts must be strings: quote the value in the data, or point /data/input at the text field',
    });
  } else if (value.trim() === '') {
    issues.push({
      path: '/data/input',
      message: `${where.label}: the input ${name} is empty`,
      expected: 'a non-empty string',
      received: describeValue(value),
      hint: 'fill in the text or remove the record',
    });
  }
}

function checkTarget(value: unknown, key: FieldKey, where: RecordLocation, issues: Issue[]): void {
  const name = describeKey(key);
  const isNumber = typeof value === 'number' && Number.isFinite(value);
  if (!isNumber && typeof value !== 'string') {
    issues.push({
      path: '/data/target',
      message: `${where.label}: the target ${name} is neither a string nor a number`,
      expected: 'a string or a finite number',
      received: describeValue(value),
      hint: 'write the label as a number (e.g. 1) or a string (e.g. "positive")',
    });
  } else if (value === '') {
    issues.push({
      path: '/data/target',
      message: `${where.label}: the target ${name} is empty`,
      expected: 'a non-empty string or a number',
      received: '""',
      hint: 'fill in the label or remove the record',
    });
  }
}

function describeKey(key: FieldKey): string {
  return typeof key === 'number' ? `column ${key}` : `field "${key}"`;
}

function describeFields(names: readonly string[]): string {
  if (names.length === 0) return 'no fields';
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n));
  const more = names.length > 10 ? `, … (${names.length} in all)` : '';
  return `the fields ${shown.join(', ')}${more}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
