/**
 * Completion items for a job spec from its JSON Schema (schemas/modellab.schema.json, the one the
 * runtime validates with): the property names of the mapping at the cursor, or the enum values of the
 * field at the cursor. The schema's `$ref`, `anyOf`/`oneOf`/`allOf` and `if`/`then`/`else` (a layer's
 * fields depend on its `type`) are followed, the `if` tested against the fields already written.
 * No vscode here: registerEditorFeatures turns these into CompletionItems.
 */
import type { PathSegment } from '../../runtime/spec/specPath';
import { cursorContext } from './yamlCursor';

type Schema = Record<string, unknown>;

export interface SchemaCompletion {
  label: string;
  kind: 'property' | 'value';
  /** What the cursor's word is replaced with. */
  insertText: string;
  /** Markdown, from the schema's markdownDescription or description. */
  documentation?: string;
  /** For properties: required by the schema (listed first). */
  required?: boolean;
  /** Offsets of the word the item replaces. */
  replace: { start: number; end: number };
}

export function completionsAt(schema: Schema, text: string, offset: number): SchemaCompletion[] {
  const context = cursorContext(text, offset);
  if (!context) return [];
  const replace = { start: context.word.start, end: context.word.end };
  if (context.kind === 'key') {
    const candidates = schemasAt(schema, context.path, context.document);
    return propertyNames(schema, candidates, context.siblings).map((p) => ({ ...p, kind: 'property' as const, insertText: `${p.label}: `, replace }));
  }
  return enumValues(schema, schemasAt(schema, context.path, context.document)).map((v) => ({ label: v, kind: 'value' as const, insertText: v, replace }));
}

/**
 * Every schema that applies at `path`, with `$ref`s and combinators expanded. `document` is the whole
 * spec as written: each level's `if` is tested against the object at that level.
 */
export function schemasAt(root: Schema, path: readonly PathSegment[], document: unknown): Schema[] {
  let value: unknown = document;
  let current = expand(root, root, asObject(value));
  for (const segment of path) {
    value = (value as Record<string | number, unknown> | undefined)?.[segment];
    const here = asObject(value);
    current = current.flatMap((s) => childSchemas(root, s, segment, here));
  }
  return current;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function childSchemas(root: Schema, schema: Schema, segment: PathSegment, value: Record<string, unknown> | undefined): Schema[] {
  const found: Schema[] = [];
  if (typeof segment === 'number') {
    const items = schema.items;
    if (Array.isArray(items)) {
      if (items[segment]) found.push(items[segment] as Schema);
    } else if (isSchema(items)) found.push(items);
  } else {
    const props = schema.properties as Record<string, Schema> | undefined;
    if (props && isSchema(props[segment])) found.push(props[segment]);
    else {
      const patterns = (schema.patternProperties ?? {}) as Record<string, Schema>;
      const matching = Object.entries(patterns).filter(([pattern]) => new RegExp(pattern, 'u').test(segment));
      if (matching.length > 0) found.push(...matching.map(([, s]) => s));
      else if (isSchema(schema.additionalProperties)) found.push(schema.additionalProperties);
    }
  }
  return found.flatMap((s) => expand(root, s, value));
}

/** Follows `$ref` and flattens `allOf`/`anyOf`/`oneOf` and the branch of `if` that `value` takes. */
function expand(root: Schema, schema: Schema, value: Record<string, unknown> | undefined, depth = 0): Schema[] {
  if (depth > 20) return [];
  const out: Schema[] = [schema];
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    if (target) out.push(...expand(root, target, value, depth + 1));
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) if (isSchema(s)) out.push(...expand(root, s, value, depth + 1));
  }
  if (isSchema(schema.if)) {
    // Without the object's fields the branch is unknown: offer neither (the `properties` beside `if` remain).
    if (value !== undefined) {
      const branch = matches(schema.if, value) ? schema.then : schema.else;
      if (isSchema(branch)) out.push(...expand(root, branch, value, depth + 1));
    }
  }
  return out;
}

/** The subset of JSON Schema the spec's `if`s use: `required`, and `const`/`enum` on properties. */
function matches(condition: Schema, value: Record<string, unknown>): boolean {
  const required = Array.isArray(condition.required) ? (condition.required as string[]) : [];
  if (required.some((k) => !(k in value))) return false;
  const props = (condition.properties ?? {}) as Record<string, Schema>;
  for (const [k, s] of Object.entries(props)) {
    if (!(k in value)) continue;
    if ('const' in s && s.const !== value[k]) return false;
    if (Array.isArray(s.enum) && !s.enum.includes(value[k])) return false;
  }
  return true;
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? node : undefined;
}

function propertyNames(root: Schema, schemas: Schema[], present: Record<string, unknown>): Omit<SchemaCompletion, 'kind' | 'insertText' | 'replace'>[] {
  const byName = new Map<string, { documentation?: string; required: boolean }>();
  const required = new Set(schemas.flatMap((s) => (Array.isArray(s.required) ? (s.required as string[]) : [])));
  for (const s of schemas) {
    const props = s.properties as Record<string, Schema> | undefined;
    if (!props) continue;
    for (const [name, prop] of Object.entries(props)) {
      if (name in present || name === '$schema') continue;
      const known = byName.get(name);
      const documentation = known?.documentation ?? describe(root, prop);
      byName.set(name, { documentation, required: required.has(name) });
    }
  }
  return [...byName.entries()]
    .map(([label, v]) => ({ label, documentation: v.documentation, required: v.required }))
    .sort((a, b) => Number(b.required) - Number(a.required) || a.label.localeCompare(b.label));
}

function describe(root: Schema, schema: Schema): string | undefined {
  for (const s of expand(root, schema, undefined)) {
    const text = s.markdownDescription ?? s.description;
    if (typeof text === 'string') return text;
  }
  return undefined;
}

function enumValues(root: Schema, schemas: Schema[]): string[] {
  const values = new Set<string>();
  for (const s of schemas.flatMap((x) => expand(root, x, undefined))) {
    if (Array.isArray(s.enum)) for (const v of s.enum) values.add(String(v));
    if ('const' in s && s.const !== undefined) values.add(String(s.const));
    if (s.type === 'boolean') ['true', 'false'].forEach((v) => values.add(v));
  }
  return [...values];
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
