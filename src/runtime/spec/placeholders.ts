/**
 * `{{name}}` placeholders: where a spec takes the value of a hyperparameter. A string that is only a
 * placeholder takes the value with its type (`units: "{{hidden_units}}"` becomes the number 64); a
 * placeholder inside a longer string is interpolated (`trainer: "models/{{arch}}.ts"`).
 * Also the values placeholders take: chosen by a tuner, given by hand, or the defaults for plain training.
 */
import type { HyperparameterSpec, HyperparameterValues, ParameterSpec } from './jobSpec';
import type { PathSegment } from './specPath';
import { suggest } from './suggest';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
/** A placeholder, capturing its name. */
const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${NAME})\\s*\\}\\}`, 'g');
const WHOLE_PLACEHOLDER = new RegExp(`^\\{\\{\\s*(${NAME})\\s*\\}\\}$`);
/** Anything between double braces, to catch `{{hidden units}}` instead of leaving it in the spec. */
const ANY_BRACES = /\{\{(.*?)\}\}/g;

export interface PlaceholderUse {
  path: PathSegment[];
  name: string;
}

export interface PlaceholderProblem {
  path: PathSegment[];
  message: string;
  suggestion?: string;
}

/** A string value of the spec that had placeholders, and what it became. */
export interface Substitution {
  path: PathSegment[];
  template: string;
  value: number | string;
}

/** Placeholders are not substituted under these top-level keys (the hyperparameters define them). */
const NOT_SUBSTITUTED = new Set(['hyperparameters']);

/** Every placeholder in the spec, and every `{{…}}` that is not a valid one. */
export function findPlaceholders(spec: unknown): { uses: PlaceholderUse[]; problems: PlaceholderProblem[] } {
  const uses: PlaceholderUse[] = [];
  const problems: PlaceholderProblem[] = [];
  visitStrings(spec, [], (text, path) => {
    for (const match of text.matchAll(ANY_BRACES)) {
      const inner = match[1].trim();
      if (new RegExp(`^${NAME}$`).test(inner)) uses.push({ path, name: inner });
      else problems.push({ path, message: `'${match[0]}' is not a valid placeholder: write {{name}}, where name is a parameterName (letters, digits, _)` });
    }
  });
  return { uses, problems };
}

/** A problem for each placeholder that names no `hyperparameters.params[].parameterName`. */
export function checkPlaceholderNames(uses: readonly PlaceholderUse[], parameterNames: readonly string[]): PlaceholderProblem[] {
  return uses
    .filter((use) => !parameterNames.includes(use.name))
    .map((use) => ({
      path: use.path,
      message:
        parameterNames.length === 0
          ? `placeholder '{{${use.name}}}' names no hyperparameter (the spec has no hyperparameters.params)`
          : `placeholder '{{${use.name}}}' names no hyperparameter in hyperparameters.params`,
      suggestion: suggest(use.name, parameterNames),
    }));
}

/** Replaces placeholders in a copy of `spec`. Every name must be in `values` (check the names first). */
export function resolvePlaceholders(spec: unknown, values: HyperparameterValues): { spec: unknown; substitutions: Substitution[] } {
  const substitutions: Substitution[] = [];
  const resolved = mapStrings(spec, [], (text, path) => {
    if (!text.includes('{{')) return text;
    const whole = WHOLE_PLACEHOLDER.exec(text);
    const value = whole ? valueOf(whole[1], values) : text.replace(PLACEHOLDER, (_, name: string) => String(valueOf(name, values)));
    substitutions.push({ path, template: text, value });
    return value;
  });
  return { spec: resolved, substitutions };
}

function valueOf(name: string, values: HyperparameterValues): number | string {
  const value = values[name];
  if (value === undefined) throw new Error(`no value for hyperparameter '${name}'`);
  return value;
}

/**
 * The values for plain (untuned) training: the middle of each parameter's range. DOUBLE and INTEGER take
 * the midpoint of [minValue, maxValue] (the geometric midpoint on a log scale, so a learning rate in
 * [1e-4, 1e-1] gets 3e-3 rather than 0.05; rounded for INTEGER), DISCRETE the middle value (the lower
 * of two), CATEGORICAL the first value.
 */
export function defaultHyperparameterValues(spec: HyperparameterSpec): HyperparameterValues {
  const values: HyperparameterValues = {};
  for (const p of spec.params) {
    const value = defaultValue(p);
    if (value !== undefined) values[p.parameterName] = value;
  }
  return values;
}

function defaultValue(p: ParameterSpec): number | string | undefined {
  switch (p.type) {
    case 'CATEGORICAL':
      return p.categoricalValues?.[0];
    case 'DISCRETE': {
      const values = p.discreteValues ?? [];
      return values[Math.floor((values.length - 1) / 2)];
    }
    case 'DOUBLE':
    case 'INTEGER': {
      if (p.minValue === undefined || p.maxValue === undefined) return undefined;
      const mid = midpoint(p.minValue, p.maxValue, p.scaleType);
      if (p.type === 'DOUBLE') return mid;
      return Math.min(p.maxValue, Math.max(p.minValue, Math.round(mid)));
    }
    default:
      return undefined;
  }
}

function midpoint(min: number, max: number, scale: ParameterSpec['scaleType']): number {
  if (min > 0 && scale === 'UNIT_LOG_SCALE') return Math.sqrt(min * max);
  // The reverse log scale is the log scale mirrored onto the top of the range (dense near maxValue),
  // so its midpoint is the log midpoint reflected: min + max - sqrt(min * max).
  if (min > 0 && scale === 'UNIT_REVERSE_LOG_SCALE') return min + max - Math.sqrt(min * max);
  return (min + max) / 2;
}

/**
 * Checks values given from outside (a tuner's suggestion, `--hyperparameter name=value`, a CloudML
 * trial's `map<string,string>`) against the parameters, converting numeric strings for numeric types.
 * Returns the typed values and a problem for each value that does not fit.
 */
export function checkHyperparameterValues(
  spec: HyperparameterSpec | undefined,
  given: Readonly<Record<string, unknown>>,
): { values: HyperparameterValues; problems: PlaceholderProblem[] } {
  const params = spec?.params ?? [];
  const values: HyperparameterValues = {};
  const problems: PlaceholderProblem[] = [];
  for (const [name, raw] of Object.entries(given)) {
    const index = params.findIndex((p) => p.parameterName === name);
    if (index < 0) {
      problems.push({
        path: ['hyperparameters', 'params'],
        message: `a value was given for '${name}', but no hyperparameters.params entry has that parameterName`,
        suggestion: suggest(name, params.map((p) => p.parameterName)),
      });
      continue;
    }
    const fitted = fitValue(params[index], raw);
    if (typeof fitted === 'object') problems.push({ path: ['hyperparameters', 'params', index], message: fitted.error });
    else values[name] = fitted;
  }
  return { values, problems };
}

function fitValue(p: ParameterSpec, raw: unknown): number | string | { error: string } {
  const what = `hyperparameter '${p.parameterName}' = ${JSON.stringify(raw)}`;
  if (p.type === 'CATEGORICAL') {
    const text = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    const categories = p.categoricalValues ?? [];
    if (typeof text === 'string' && categories.includes(text)) return text;
    return { error: `${what} is not one of its categoricalValues (${categories.map((c) => `'${c}'`).join(', ')})` };
  }
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) return { error: `${what} must be a number for a ${p.type} parameter` };
  if (p.type === 'DISCRETE') {
    const listed = (p.discreteValues ?? []).find((d) => Math.abs(d - value) <= 1e-9 * Math.max(1, Math.abs(d)));
    if (listed === undefined) return { error: `${what} is not one of its discreteValues (${(p.discreteValues ?? []).join(', ')})` };
    return listed;
  }
  if (p.type === 'INTEGER' && !Number.isInteger(value)) return { error: `${what} must be a whole number for an INTEGER parameter` };
  if (p.minValue !== undefined && p.maxValue !== undefined && (value < p.minValue || value > p.maxValue)) {
    return { error: `${what} is outside its range [${p.minValue}, ${p.maxValue}]` };
  }
  return value;
}

function visitStrings(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void): void {
  mapStrings(value, path, (text, at) => {
    visit(text, at);
    return text;
  });
}

function mapStrings(value: unknown, path: PathSegment[], map: (text: string, path: PathSegment[]) => unknown): unknown {
  if (typeof value === 'string') return map(value, path);
  if (Array.isArray(value)) return value.map((item, i) => mapStrings(item, [...path, i], map));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = path.length === 0 && NOT_SUBSTITUTED.has(key) ? structuredClone(child) : mapStrings(child, [...path, key], map);
    }
    return out;
  }
  return value;
}

