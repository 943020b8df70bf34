/**
 * The rules Cloud ML Engine applies to a `HyperparameterSpec` beyond its JSON shape (notes/cloudml-formats.md
 * §2.1), checked locally so that a spec that tunes here is also accepted by the service.
 */
import type { HyperparameterSpec, ParameterSpec } from './jobSpec';
import type { PathSegment } from './specPath';

export type HyperparameterRule =
  | 'params-required'
  | 'unique-parameter-name'
  | 'parameter-name-format'
  | 'parameter-type-specified'
  | 'range-required'
  | 'range-order'
  | 'integer-range'
  | 'categorical-values-required'
  | 'categorical-no-range'
  | 'categorical-no-scale'
  | 'discrete-values-required'
  | 'discrete-increasing'
  | 'discrete-limit'
  | 'values-match-type'
  | 'log-scale-positive'
  | 'grid-search-types'
  | 'max-trials'
  | 'max-parallel-trials'
  | 'max-failed-trials';

export interface RuleViolation {
  rule: HyperparameterRule;
  /** From the spec's root, e.g. `['hyperparameters', 'params', 1, 'minValue']`. */
  path: PathSegment[];
  message: string;
}

/** The service's limit on `discreteValues`. */
export const MAX_DISCRETE_VALUES = 1000;

const LOG_SCALES = new Set(['UNIT_LOG_SCALE', 'UNIT_REVERSE_LOG_SCALE']);

/** Every rule the spec breaks. Expects a spec that passed the schema, with int fields already numbers. */
export function checkHyperparameterRules(spec: HyperparameterSpec): RuleViolation[] {
  const out: RuleViolation[] = [];
  const at = (rule: HyperparameterRule, path: PathSegment[], message: string): void => {
    out.push({ rule, path: ['hyperparameters', ...path], message });
  };

  if (spec.maxTrials !== undefined && spec.maxTrials < 1) at('max-trials', ['maxTrials'], `maxTrials must be at least 1, got ${spec.maxTrials}`);
  if (spec.maxParallelTrials !== undefined && spec.maxParallelTrials < 1) {
    at('max-parallel-trials', ['maxParallelTrials'], `maxParallelTrials must be at least 1, got ${spec.maxParallelTrials}`);
  }
  if (spec.maxFailedTrials !== undefined && spec.maxFailedTrials < 0) {
    at('max-failed-trials', ['maxFailedTrials'], `maxFailedTrials must be 0 (let Model Lab decide) or more, got ${spec.maxFailedTrials}`);
  }
  if (spec.params.length === 0) at('params-required', ['params'], 'params must list at least one parameter to tune');

  const firstIndex = new Map<string, number>();
  spec.params.forEach((param, i) => {
    const seen = firstIndex.get(param.parameterName);
    if (seen !== undefined) {
      at('unique-parameter-name', ['params', i, 'parameterName'], `parameterName '${param.parameterName}' is already used by params.${seen}; names must be unique`);
    } else {
      firstIndex.set(param.parameterName, i);
    }
    if (/\s|=/.test(param.parameterName)) {
      // Trials receive `--name=value`; a space or `=` in the name breaks that argument.
      at('parameter-name-format', ['params', i, 'parameterName'], `parameterName '${param.parameterName}' must not contain spaces or '='`);
    }
    for (const v of checkParameter(param, spec.algorithm)) at(v.rule, ['params', i, ...v.path], v.message);
  });
  return out;
}

/** Violations of one parameter, with paths relative to the parameter. */
function checkParameter(p: ParameterSpec, algorithm: HyperparameterSpec['algorithm']): RuleViolation[] {
  const out: RuleViolation[] = [];
  const at = (rule: HyperparameterRule, path: PathSegment[], message: string): void => {
    out.push({ rule, path, message });
  };
  const name = `'${p.parameterName}'`;

  if (p.type === 'PARAMETER_TYPE_UNSPECIFIED') {
    at('parameter-type-specified', ['type'], `${name}: type must be DOUBLE, INTEGER, CATEGORICAL or DISCRETE, not PARAMETER_TYPE_UNSPECIFIED`);
    return out;
  }

  if (p.type === 'DOUBLE' || p.type === 'INTEGER') {
    if (p.minValue === undefined || p.maxValue === undefined) {
      const missing = [p.minValue === undefined ? 'minValue' : '', p.maxValue === undefined ? 'maxValue' : ''].filter(Boolean);
      at('range-required', [missing[0]], `${name}: a ${p.type} parameter needs ${missing.join(' and ')}`);
    } else if (!(p.minValue < p.maxValue)) {
      at('range-order', ['maxValue'], `${name}: minValue (${p.minValue}) must be less than maxValue (${p.maxValue})`);
    }
    if (p.type === 'INTEGER') {
      for (const field of ['minValue', 'maxValue'] as const) {
        const v = p[field];
        if (v !== undefined && !Number.isInteger(v)) at('integer-range', [field], `${name}: an INTEGER parameter's ${field} must be a whole number, got ${v}`);
      }
    }
    if (p.type === 'DOUBLE' && algorithm === 'GRID_SEARCH') {
      at('grid-search-types', ['type'], `${name}: GRID_SEARCH cannot search a DOUBLE parameter; use INTEGER, CATEGORICAL or DISCRETE`);
    }
    if (p.scaleType && LOG_SCALES.has(p.scaleType) && p.minValue !== undefined && p.minValue <= 0) {
      at('log-scale-positive', ['minValue'], `${name}: ${p.scaleType} needs a strictly positive range, but minValue is ${p.minValue}`);
    }
  }

  if (p.type === 'CATEGORICAL') {
    if (!p.categoricalValues || p.categoricalValues.length === 0) {
      at('categorical-values-required', ['categoricalValues'], `${name}: a CATEGORICAL parameter needs categoricalValues`);
    }
    for (const field of ['minValue', 'maxValue'] as const) {
      if (p[field] !== undefined) at('categorical-no-range', [field], `${name}: a CATEGORICAL parameter must not set ${field}`);
    }
    if (p.scaleType !== undefined) at('categorical-no-scale', ['scaleType'], `${name}: a CATEGORICAL parameter must not set scaleType`);
  }

  if (p.type === 'DISCRETE') {
    const values = p.discreteValues ?? [];
    if (values.length === 0) at('discrete-values-required', ['discreteValues'], `${name}: a DISCRETE parameter needs discreteValues`);
    const drop = values.findIndex((v, i) => i > 0 && !(v > values[i - 1]));
    if (drop > 0) {
      at('discrete-increasing', ['discreteValues', drop], `${name}: discreteValues must be strictly increasing, but ${values[drop]} follows ${values[drop - 1]}`);
    }
    if (values.length > MAX_DISCRETE_VALUES) {
      at('discrete-limit', ['discreteValues'], `${name}: discreteValues may hold at most ${MAX_DISCRETE_VALUES} values, got ${values.length}`);
    }
    if (p.scaleType && LOG_SCALES.has(p.scaleType) && values.length > 0 && Math.min(...values) <= 0) {
      at('log-scale-positive', ['discreteValues'], `${name}: ${p.scaleType} needs strictly positive values, but discreteValues holds ${Math.min(...values)}`);
    }
  }

  // Values of another type's field are never read; they are almost always a mistyped `type`.
  if (p.categoricalValues !== undefined && p.type !== 'CATEGORICAL') {
    at('values-match-type', ['categoricalValues'], `${name}: categoricalValues is only for CATEGORICAL parameters; this one is ${p.type}`);
  }
  if (p.discreteValues !== undefined && p.type !== 'DISCRETE') {
    at('values-match-type', ['discreteValues'], `${name}: discreteValues is only for DISCRETE parameters; this one is ${p.type}`);
  }
  return out;
}
