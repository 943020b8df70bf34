/**
 * Checks a parsed spec against `schemas/modellab.schema.json` and turns ajv's errors into one short,
 * human sentence per problem: "must be a whole number, got string 'ten'", "unknown field 'epoch'".
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from '../../../schemas/modellab.schema.json';
import { type PathSegment, isWithin, pointerToPath } from './specPath';
import { type SchemaIssue, article, describeValue, explain, orList, typeNouns } from './schemaMessages';

export type { SchemaIssue };

type Schema = Record<string, unknown>;

const ROOT = schemaJson as unknown as Schema;
const SCHEMA_ID = ROOT.$id as string;
const PLACEHOLDER = (ROOT.definitions as Record<string, Schema>).placeholder;

let compiled: { ajv: Ajv; validate: ValidateFunction; pointers: Map<unknown, string> } | undefined;

function validator(): NonNullable<typeof compiled> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: true });
    // Keywords VS Code reads (and other validators ignore): declared so ajv's strict mode accepts them.
    ajv.addVocabulary(['patternErrorMessage', 'markdownDescription']);
    const validate = ajv.compile(ROOT);
    compiled = { ajv, validate, pointers: pointersOf(ROOT) };
  }
  return compiled;
}

/** The JSON Schema the spec is validated against (for tests and tools). */
export const jobSpecSchema: Readonly<Schema> = ROOT;

export function validateAgainstSchema(value: unknown): SchemaIssue[] {
  const { validate } = validator();
  if (validate(value)) return [];
  return dedupe(translate(validate.errors ?? [], []));
}

/**
 * ajv reports every branch of a failed `anyOf` and then the `anyOf` itself, its branch errors just before
 * it. Most of those are noise: `units: "ten"` fails both "integer" and "placeholder". So an `anyOf` error
 * discards what came before it at or below its path, and is replaced by the errors of the one branch the
 * value was evidently meant for (a string that holds `{{` is meant as a placeholder; a mapping for the
 * mapping branch), or by one sentence listing what the field accepts. This relies on a schema with
 * `anyOf` having no other validating keywords beside it (schema.test.ts checks that).
 */
function translate(errors: ErrorObject[], base: PathSegment[]): SchemaIssue[] {
  const entries: { path: PathSegment[]; issues: SchemaIssue[] }[] = [];
  for (const error of errors) {
    const path = [...base, ...pointerToPath(error.instancePath)];
    // `if` only says that its `then` failed; the `then` errors say why.
    if (error.keyword === 'if') continue;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      while (entries.length > 0 && isWithin(entries[entries.length - 1].path, path)) entries.pop();
      entries.push({ path, issues: explainUnion(error, path) });
    } else {
      entries.push({ path, issues: [explain(error, path)] });
    }
  }
  return entries.flatMap((e) => e.issues);
}

function explainUnion(error: ErrorObject, path: PathSegment[]): SchemaIssue[] {
  const branches = error.schema as Schema[];
  const data: unknown = error.data;
  let fitting = branches.map((_, i) => i).filter((i) => fits(branches[i], data));
  if (typeof data === 'string' && data.includes('{{')) {
    const placeholders = fitting.filter((i) => isPlaceholder(branches[i]));
    if (placeholders.length > 0) fitting = placeholders;
  }
  const pointer = validator().pointers.get(branches);
  if (fitting.length === 1 && pointer !== undefined) {
    const branch = validator().ajv.getSchema(`${SCHEMA_ID}#${pointer}/${fitting[0]}`);
    if (branch && !branch(data)) {
      const issues = translate(branch.errors ?? [], path);
      if (issues.length > 0) return issues;
    }
  }
  const accepted = unique(branches.flatMap(describeSchema));
  return [{ path, part: 'value', message: `must be ${orList(accepted)}, got ${describeValue(data)}` }];
}

/** Whether `data` is the kind of value a branch is about, ignoring the branch's finer constraints. */
function fits(branch: Schema, data: unknown): boolean {
  const schema = resolve(branch);
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).some((b) => fits(b, data));
  if (schema === PLACEHOLDER) return typeof data === 'string' && data.includes('{{');
  const kind = jsonType(data);
  if (Array.isArray(schema.enum)) return schema.enum.some((v) => jsonType(v) === kind || (kind === 'integer' && jsonType(v) === 'number'));
  if (schema.const !== undefined) return jsonType(schema.const) === kind;
  if (schema.type === undefined) return true;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return types.some((t) => t === kind || (t === 'number' && kind === 'integer') || (t === 'integer' && kind === 'number'));
}

function isPlaceholder(branch: Schema): boolean {
  return resolve(branch) === PLACEHOLDER;
}

/** What a branch accepts, as nouns for "must be … or …". */
function describeSchema(branch: Schema): string[] {
  const schema = resolve(branch);
  if (schema === PLACEHOLDER) return ['a {{placeholder}}'];
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).flatMap(describeSchema);
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length <= 4) return schema.enum.map((v) => `'${String(v)}'`);
    return [typeof schema.title === 'string' ? `${article(schema.title)} name` : 'one of the allowed names'];
  }
  if (schema.const !== undefined) return [`'${String(schema.const)}'`];
  if (schema.type === 'array') {
    const exact = schema.minItems !== undefined && schema.minItems === schema.maxItems;
    return [exact ? `a list of ${String(schema.minItems)}` : 'a list'];
  }
  return typeNouns(schema.type);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function resolve(schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 16; hops++) {
    let target: unknown = ROOT;
    for (const part of current.$ref.replace(/^#\/?/, '').split('/').filter((p) => p !== '')) {
      target = (target as Schema | undefined)?.[part];
    }
    if (!target || typeof target !== 'object') break;
    current = target as Schema;
  }
  return current;
}

/** JSON pointer of every object and array in the schema, to find a failed `anyOf` branch by identity. */
function pointersOf(root: unknown): Map<unknown, string> {
  const pointers = new Map<unknown, string>();
  const visit = (node: unknown, pointer: string): void => {
    if (!node || typeof node !== 'object') return;
    pointers.set(node, pointer);
    for (const [key, child] of Object.entries(node)) visit(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  visit(root, '');
  return pointers;
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
