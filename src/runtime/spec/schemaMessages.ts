/**
 * The sentences for schema problems: what a field must be, and what it got, in words a user reads
 * without knowing JSON Schema ("must be a whole number, got string 'ten'").
 */
import type { ErrorObject } from 'ajv';
import type { PathSegment } from './specPath';
import { suggest } from './suggest';

export interface SchemaIssue {
  path: PathSegment[];
  message: string;
  suggestion?: string;
  /** Which part of the field to point at: a value that is wrong, or a key that should not be there. */
  part: 'key' | 'value';
}

type Schema = Record<string, unknown>;

/** One ajv error (other than the composite `anyOf`/`if`) as an issue at `path`. */
export function explain(error: ErrorObject, path: PathSegment[]): SchemaIssue {
  const data: unknown = error.data;
  const parent = (error.parentSchema ?? {}) as Schema;
  const params = error.params as Record<string, unknown>;
  const got = describeValue(data);
  switch (error.keyword) {
    case 'type':
      return { path, part: 'value', message: `must be ${orList(typeNouns(params.type))}, got ${got}` };
    case 'required':
      return { path: [...path, String(params.missingProperty)], part: 'key', message: `missing required field '${String(params.missingProperty)}'` };
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      const where = typeof parent.title === 'string' ? ` in ${article(parent.title)}` : '';
      return { path: [...path, field], part: 'key', message: `unknown field '${field}'${where}`, suggestion: suggest(field, known) };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof data === 'string' ? suggest(data, allowed) : undefined;
      const list = allowed.map((v) => `'${v}'`).join(', ');
      if (typeof parent.title === 'string' && typeof data === 'string') {
        return { path, part: 'value', message: `unknown ${parent.title} '${data}'${suggestion ? '' : `; expected one of ${list}`}`, suggestion };
      }
      return { path, part: 'value', message: `must be one of ${list}, got ${got}`, suggestion };
    }
    case 'const':
      return { path, part: 'value', message: `must be '${String(params.allowedValue)}', got ${got}` };
    case 'minimum':
      return { path, part: 'value', message: `must be at least ${String(params.limit)}, got ${got}` };
    case 'exclusiveMinimum':
      return { path, part: 'value', message: `must be greater than ${String(params.limit)}, got ${got}` };
    case 'maximum':
      return { path, part: 'value', message: `must be at most ${String(params.limit)}, got ${got}` };
    case 'exclusiveMaximum':
      return { path, part: 'value', message: `must be less than ${String(params.limit)}, got ${got}` };
    case 'minItems':
    case 'maxItems': {
      const count = Array.isArray(data) ? data.length : 0;
      const exact = parent.minItems !== undefined && parent.minItems === parent.maxItems;
      const bound = exact ? 'exactly' : error.keyword === 'minItems' ? 'at least' : 'at most';
      return { path, part: 'value', message: `must have ${bound} ${plural(Number(params.limit), 'item')}, got ${count}` };
    }
    case 'minLength':
      return Number(params.limit) === 1
        ? { path, part: 'value', message: 'must not be empty' }
        : { path, part: 'value', message: `must have at least ${plural(Number(params.limit), 'character')}, got ${got}` };
    case 'maxLength':
      return { path, part: 'value', message: `must have at most ${plural(Number(params.limit), 'character')}, got ${got}` };
    case 'pattern': {
      const rule = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `must match /${String(params.pattern)}/`;
      return { path, part: 'value', message: `${rule.replace(/\.$/, '')}; got ${got}` };
    }
    case 'uniqueItems':
      return { path, part: 'value', message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are the same)` };
    default:
      return { path, part: 'value', message: error.message ?? `is invalid (${error.keyword})` };
  }
}

export function typeNouns(type: unknown): string[] {
  const nouns: Record<string, string> = {
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'a boolean (true/false)',
    object: 'a mapping',
    array: 'a list',
    null: 'empty',
  };
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  return types.length > 0 ? types.map((t) => nouns[t] ?? t) : ['valid'];
}

/** A value as a message shows it: `string 'ten'`, `number 5`, `a list of 3 items`. */
export function describeValue(data: unknown): string {
  if (data === null || data === undefined) return 'an empty value';
  if (typeof data === 'string') return `string '${data.length > 40 ? `${data.slice(0, 37)}...` : data}'`;
  if (typeof data === 'number') return `number ${data}`;
  if (typeof data === 'boolean') return String(data);
  if (Array.isArray(data)) return `a list of ${plural(data.length, 'item')}`;
  return 'a mapping';
}

export function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
