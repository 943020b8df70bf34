/**
 * Evaluates XGBoost models the way XGBoost's CPU predictor does, so predictions match XGBoost's own:
 * - feature values are float32 (a DMatrix holds float32); NaN means missing;
 * - at a branch, go left iff `x < split_condition` (strict, in float32); a missing value follows `default_left`;
 * - at a categorical branch, a category (truncated to an integer) in the node's set goes right; other,
 *   negative or out-of-range categories go left;
 * - a leaf's value is its `split_condition`;
 * - each output group starts at the base margin (base_score through the objective's ProbToMargin) and adds
 *   its trees' leaves (times `weight_drop` for DART) one at a time in float32, in tree order, as XGBoost does;
 * - gblinear: bias + base margin, then + x·w per present feature, in float32;
 * - then the objective's transform (sigmoid, softmax, exp, argmax, …), in float32.
 * The remaining differences from XGBoost come from `Math.exp` versus C's `expf` (a few float32 ulps, well
 * under 1e-6 on probabilities).
 */
import type { XGBoostModel } from './xgboostModel';

export interface XGBoostPredictOptions {
  /**
   * Boosting iterations to use, `[begin, end)` as XGBoost's `iteration_range`; `end` 0 means all (the default,
   * as `Booster.predict` and Cloud ML's xgboost runtime do).
   */
  iterationRange?: [number, number];
  /** Return raw margins (before the objective's transform), as `output_margin=True`. */
  outputMargin?: boolean;
}

/** Tree indices [begin, end) for an iteration range. */
export function treeRange(model: XGBoostModel, iterationRange: [number, number] = [0, 0]): [number, number] {
  const [begin, end] = iterationRange;
  const indptr = model.iterationIndptr;
  const iterations = indptr.length - 1;
  if (begin === 0 && end === 0) return [0, model.trees.length];
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end > begin && end <= iterations)) {
    throw new RangeError(`iteration range [${begin}, ${end}) is outside the model's ${iterations} iterations`);
  }
  return [indptr[begin], indptr[end]];
}

/** Raw margins of one row (float32 features, NaN = missing), one per output group. */
export function predictMargins(model: XGBoostModel, row: Float32Array, range: [number, number] = [0, model.trees.length]): Float32Array {
  const out = Float32Array.from(model.baseMargin);
  if (model.booster === 'gblinear') {
    const w = model.linearWeights!;
    const groups = model.numGroups;
    for (let g = 0; g < groups; g++) {
      let psum = Math.fround(w[model.numFeature * groups + g] + out[g]);
      for (let f = 0; f < model.numFeature; f++) {
        const x = row[f];
        if (x !== x) continue; // missing
        psum = Math.fround(psum + Math.fround(x * w[f * groups + g]));
      }
      out[g] = psum;
    }
    return out;
  }
  const { trees, treeGroup, treeWeights } = model;
  for (let t = range[0]; t < range[1]; t++) {
    const tree = trees[t];
    const { left, right, splitIndex, splitCondition, defaultLeft, categories } = tree;
    let node = 0;
    while (left[node] !== -1) {
      const x = row[splitIndex[node]];
      const cats = categories?.[node];
      if (x !== x) node = defaultLeft[node] ? left[node] : right[node];
      else if (cats) node = categoryGoesRight(cats, x) ? right[node] : left[node];
      else node = x < splitCondition[node] ? left[node] : right[node];
    }
    const leaf = treeWeights ? Math.fround(splitCondition[node] * treeWeights[t]) : splitCondition[node];
    const g = treeGroup[t];
    out[g] = out[g] + leaf; // Float32Array stores round to float32, as XGBoost's float accumulation
  }
  return out;
}

/** XGBoost's categorical decision: a valid category in the node's set goes right; anything else left. */
const MAX_CATEGORY = 2 ** 24; // float32 holds integers exactly up to here
function categoryGoesRight(cats: Set<number>, x: number): boolean {
  if (x < 0 || x >= MAX_CATEGORY) return false;
  return cats.has(Math.trunc(x));
}

function sigmoid(x: number): number {
  return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
}

/** The objective's prediction transform, as `Booster.predict` returns it for one row. */
export function transformMargins(model: XGBoostModel, margins: Float32Array): number | number[] {
  const objective = model.objective;
  if (objective === 'multi:softprob' || objective === 'multi:softmax') {
    if (objective === 'multi:softmax') {
      let best = 0;
      for (let k = 1; k < margins.length; k++) if (margins[k] > margins[best]) best = k;
      return best;
    }
    let max = -Infinity;
    for (const m of margins) max = Math.max(max, m);
    const e = margins.map((m) => Math.fround(Math.exp(m - max)));
    let sum = 0; // XGBoost sums in double, then divides in float
    for (const v of e) sum += v;
    const fsum = Math.fround(sum);
    return Array.from(e, (v) => Math.fround(v / fsum));
  }
  const one = (m: number): number => {
    switch (objective) {
      case 'binary:logistic':
      case 'reg:logistic':
        return sigmoid(m);
      case 'binary:hinge':
        return m > 0 ? 1 : 0;
      case 'count:poisson':
      case 'reg:gamma':
      case 'reg:tweedie':
      case 'survival:cox':
      case 'survival:aft':
        return Math.fround(Math.exp(m));
      default:
        return m;
    }
  };
  return margins.length === 1 ? one(margins[0]) : Array.from(margins, one);
}

/** Predicts one row as XGBoost's `Booster.predict` would: a number, or one number per output. */
export function predictRow(model: XGBoostModel, row: Float32Array, options: XGBoostPredictOptions = {}): number | number[] {
  const margins = predictMargins(model, row, treeRange(model, options.iterationRange));
  if (options.outputMargin) return margins.length === 1 ? margins[0] : Array.from(margins);
  return transformMargins(model, margins);
}

/**
 * Turns a client's instance into a float32 feature row: a list of numbers in feature order (null or NaN =
 * missing), or, when the model names its features, an object keyed by feature name (absent keys are
 * missing). Throws a message naming the problem.
 */
export function instanceToRow(model: XGBoostModel, instance: unknown): Float32Array {
  const n = model.numFeature;
  const row = new Float32Array(n);
  const value = (v: unknown, where: string): number => {
    if (v === null) return NaN;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new Error(`${where} must be a number or null (missing), got ${JSON.stringify(v)}`);
  };
  if (Array.isArray(instance)) {
    if (instance.length !== n) throw new Error(`expected ${n} feature values, got ${instance.length}`);
    for (let i = 0; i < n; i++) row[i] = value(instance[i], `feature ${i}`);
    return row;
  }
  if (instance !== null && typeof instance === 'object') {
    if (model.featureNames.length === 0) {
      throw new Error(`the model has no feature names: send a list of ${n} feature values`);
    }
    const record = instance as Record<string, unknown>;
    const index = new Map(model.featureNames.map((name, i) => [name, i]));
    const unknown = Object.keys(record).filter((k) => !index.has(k));
    if (unknown.length > 0) {
      throw new Error(`unknown feature ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the model's features are ${model.featureNames.join(', ')}`);
    }
    row.fill(NaN);
    for (const [k, i] of index) if (k in record) row[i] = value(record[k], `feature "${k}"`);
    return row;
  }
  throw new Error(`an instance must be a list of ${n} feature values${model.featureNames.length ? ' or an object keyed by feature name' : ''}`);
}
