/**
 * Reads models saved by XGBoost itself (`Booster.save_model`): JSON (`*.json`) and UBJSON (`*.ubj`), as
 * described by dmlc/xgboost `doc/model.schema`, and the legacy binary format (`model.bst` from `save_model`
 * before XGBoost 2, see legacyBinary.ts), into a compact form the evaluator walks. A file that is none of
 * these is refused with a message saying how to re-save the model.
 *
 * `base_score` comes in two encodings: a plain number string (`"5E-1"`, XGBoost ≤ 3.0) and a bracketed
 * vector string (`"[5E-1]"`, or one value per output group, XGBoost ≥ 3.1). It is stored in the
 * objective's output space (a probability for binary:logistic) and turned into a margin the way each
 * objective's `ProbToMargin` does (logit, log or identity).
 */
import { readFileSync } from 'node:fs';
import { decodeLegacyBinary } from './legacyBinary';
import { decodeUbjson } from './ubjson';

export class XGBoostModelError extends Error {}

export interface XGBoostTree {
  /** Child indices; -1 in `left` marks a leaf. */
  left: Int32Array;
  right: Int32Array;
  splitIndex: Int32Array;
  /** The split threshold of a branch; the leaf value of a leaf (float32, as XGBoost stores them). */
  splitCondition: Float32Array;
  defaultLeft: Uint8Array;
  /**
   * Categorical splits: for each such node, the categories that go right (XGBoost's `categories` of the
   * node's segment); undefined for numerical nodes and for trees without categorical splits.
   */
  categories?: (Set<number> | undefined)[];
}

export interface XGBoostModel {
  /** XGBoost's version that saved the model, e.g. [1, 7, 4]; empty when absent. */
  version: number[];
  booster: 'gbtree' | 'dart' | 'gblinear';
  objective: string;
  numFeature: number;
  /** `num_class` (0 when the objective is not multiclass). */
  numClass: number;
  /** Outputs per instance before the objective's transform: num_class, num_target, or 1. */
  numGroups: number;
  /** `base_score` as saved (output space), one value per output group. */
  baseScore: number[];
  /** `base_score` turned into a margin (float32), one per output group. */
  baseMargin: Float32Array;
  featureNames: string[];
  trees: XGBoostTree[];
  /** Output group of each tree (`tree_info`). */
  treeGroup: Int32Array;
  /** DART: each tree's weight (`weight_drop`); undefined for gbtree. */
  treeWeights?: Float32Array;
  /** Tree index bounds of each boosting iteration: trees of iteration i are [indptr[i], indptr[i+1]). */
  iterationIndptr: number[];
  /** gblinear: (numFeature + 1) × numGroups weights, feature-major, biases last. */
  linearWeights?: Float32Array;
  /** `best_iteration` from the model's attributes (set by early stopping), when present. */
  bestIteration?: number;
}

/** Reads an XGBoost model file, telling JSON, UBJSON and the legacy binary format apart by content. */
export function readXGBoostModelFile(path: string): XGBoostModel {
  const bytes = readFileSync(path);
  try {
    return parseXGBoostModel(decodeXGBoostBytes(bytes));
  } catch (err) {
    if (err instanceof XGBoostModelError) throw new XGBoostModelError(`${path}: ${err.message}`);
    throw new XGBoostModelError(`${path}: not a readable XGBoost model: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export type XGBoostEncoding = 'json' | 'ubjson' | 'legacy-binary';

export function sniffXGBoostEncoding(bytes: Uint8Array): XGBoostEncoding {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* { */) {
    // JSON: `{` then whitespace, `"` or `}`. UBJSON: `{` then a key-length type marker, `$`, `#` or `}`.
    const next = bytes[i + 1];
    if (next === 0x22 || next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09) return 'json';
    if (i === 0 && next !== undefined && 'iUIlL$#}'.includes(String.fromCharCode(next))) return 'ubjson';
    return 'json';
  }
  return 'legacy-binary';
}

export function decodeXGBoostBytes(bytes: Uint8Array): unknown {
  const encoding = sniffXGBoostEncoding(bytes);
  if (encoding === 'json') return parseXGBoostJson(new TextDecoder().decode(bytes));
  if (encoding === 'ubjson') return decodeUbjson(bytes);
  try {
    return decodeLegacyBinary(bytes);
  } catch (err) {
    throw new XGBoostModelError(
      `this is neither XGBoost JSON nor UBJSON, and not a legacy binary model Model Lab can read (${err instanceof Error ? err.message : String(err)}). ` +
        "Re-save it as JSON or UBJSON with XGBoost (>= 1.0): `booster = xgb.Booster(model_file='model.bst'); booster.save_model('model.json')` " +
        "(or 'model.ubj'), and serve that file",
    );
  }
}

/**
 * XGBoost writes non-finite floats as bare `NaN` / `Infinity` / `-Infinity` in its JSON (e.g. the split
 * conditions of categorical nodes), which JSON.parse refuses: those tokens (outside strings) become the
 * strings "NaN", "Infinity", "-Infinity", which the model parser reads as numbers.
 */
export function parseXGBoostJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
  }
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (text.startsWith('NaN', i)) {
      out += '"NaN"';
      i += 2;
    } else if (text.startsWith('-Infinity', i)) {
      out += '"-Infinity"';
      i += 8;
    } else if (text.startsWith('Infinity', i)) {
      out += '"Infinity"';
      i += 7;
    } else out += ch;
  }
  return JSON.parse(out);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new XGBoostModelError(`${what} is missing or not an object`);
  return v as Record<string, unknown>;
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function num(v: unknown, what: string): number {
  if (typeof v === 'string' && v in NON_FINITE) return NON_FINITE[v];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n) && !(typeof v === 'number')) throw new XGBoostModelError(`${what} is not a number: ${JSON.stringify(v)}`);
  return n;
}

function numArray(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new XGBoostModelError(`${what} is missing or not an array`);
  return v.map((x, i) => (typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : num(x, `${what}[${i}]`)));
}

/** `base_score`: `"5E-1"`, `"[5E-1]"`, `"[1E0,2E0,3E0]"`, or a number. */
export function parseBaseScore(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v !== 'string') throw new XGBoostModelError(`learner_model_param.base_score is not a number: ${JSON.stringify(v)}`);
  const text = v.trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const values = inner.split(',').map((s) => num(s.trim(), `learner_model_param.base_score ${JSON.stringify(v)}`));
  if (values.length === 0) throw new XGBoostModelError(`learner_model_param.base_score is empty`);
  return values;
}

/** The objective's ProbToMargin: how `base_score` (output space) becomes a margin. */
export function baseScoreToMargin(objective: string, baseScore: number): number {
  switch (objective) {
    case 'binary:logistic':
    case 'binary:logitraw':
    case 'reg:logistic':
      if (!(baseScore > 0 && baseScore < 1)) throw new XGBoostModelError(`base_score must be in (0, 1) for ${objective}, got ${baseScore}`);
      return Math.fround(-Math.log(1 / Math.fround(baseScore) - 1));
    case 'count:poisson':
    case 'reg:gamma':
    case 'reg:tweedie':
    case 'survival:cox':
    case 'survival:aft':
      if (!(baseScore > 0)) throw new XGBoostModelError(`base_score must be positive for ${objective}, got ${baseScore}`);
      return Math.fround(Math.log(Math.fround(baseScore)));
    default:
      return Math.fround(baseScore);
  }
}

/** Objectives whose predictions the evaluator knows how to transform. */
export const SUPPORTED_OBJECTIVES = [
  'binary:logistic',
  'binary:logitraw',
  'binary:hinge',
  'reg:logistic',
  'reg:squarederror',
  'reg:linear',
  'reg:squaredlogerror',
  'reg:pseudohubererror',
  'reg:absoluteerror',
  'reg:quantileerror',
  'count:poisson',
  'reg:gamma',
  'reg:tweedie',
  'survival:cox',
  'survival:aft',
  'multi:softprob',
  'multi:softmax',
  'rank:pairwise',
  'rank:ndcg',
  'rank:map',
];

function parseTree(t: Record<string, unknown>, index: number): XGBoostTree {
  const what = `trees[${index}]`;
  const left = numArray(t.left_children, `${what}.left_children`);
  const n = left.length;
  const right = numArray(t.right_children, `${what}.right_children`);
  const splitIndex = numArray(t.split_indices, `${what}.split_indices`);
  const splitCondition = numArray(t.split_conditions, `${what}.split_conditions`);
  const defaultLeft = numArray(t.default_left, `${what}.default_left`);
  for (const [name, arr] of [
    ['right_children', right],
    ['split_indices', splitIndex],
    ['split_conditions', splitCondition],
    ['default_left', defaultLeft],
  ] as const) {
    if (arr.length !== n) throw new XGBoostModelError(`${what}.${name} has ${arr.length} entries, left_children ${n}`);
  }
  let categories: (Set<number> | undefined)[] | undefined;
  const splitType = t.split_type === undefined ? [] : numArray(t.split_type, `${what}.split_type`);
  if (splitType.some((s) => s !== 0)) {
    // categories_nodes[i] has categories[segments[i] .. segments[i] + sizes[i]) going right.
    const cats = numArray(t.categories, `${what}.categories`);
    const nodes = numArray(t.categories_nodes, `${what}.categories_nodes`);
    const segments = numArray(t.categories_segments, `${what}.categories_segments`);
    const sizes = numArray(t.categories_sizes, `${what}.categories_sizes`);
    if (segments.length !== nodes.length || sizes.length !== nodes.length) throw new XGBoostModelError(`${what}: categories_* arrays differ in length`);
    categories = new Array(n).fill(undefined);
    nodes.forEach((node, i) => {
      if (node < 0 || node >= n || segments[i] + sizes[i] > cats.length) throw new XGBoostModelError(`${what}: categories out of range`);
      categories![node] = new Set(cats.slice(segments[i], segments[i] + sizes[i]));
    });
    splitType.forEach((s, node) => {
      if (s !== 0 && left[node] !== -1 && !categories![node]) categories![node] = new Set();
    });
  }
  const param = t.tree_param === undefined ? {} : obj(t.tree_param, `${what}.tree_param`);
  if (param.size_leaf_vector !== undefined && num(param.size_leaf_vector, `${what}.tree_param.size_leaf_vector`) > 1) {
    throw new XGBoostModelError(`${what} has vector leaves (multi_strategy=multi_output_tree), which Model Lab's evaluator does not support`);
  }
  for (let i = 0; i < n; i++) {
    if (left[i] !== -1 && (left[i] < 0 || left[i] >= n || right[i] < 0 || right[i] >= n)) {
      throw new XGBoostModelError(`${what}: node ${i} has children out of range`);
    }
  }
  return {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    splitIndex: Int32Array.from(splitIndex),
    splitCondition: Float32Array.from(splitCondition),
    defaultLeft: Uint8Array.from(defaultLeft),
    ...(categories ? { categories } : {}),
  };
}

/** Turns a decoded model document (from JSON or UBJSON) into the evaluator's form. */
export function parseXGBoostModel(doc: unknown): XGBoostModel {
  const root = obj(doc, 'the model');
  const learner = obj(root.learner, 'learner');
  const version = Array.isArray(root.version) ? root.version.map((v) => num(v, 'version')) : [];
  const mparam = obj(learner.learner_model_param, 'learner.learner_model_param');
  const objective = String(obj(learner.objective, 'learner.objective').name);
  if (!SUPPORTED_OBJECTIVES.includes(objective)) {
    throw new XGBoostModelError(`objective "${objective}" is not supported (supported: ${SUPPORTED_OBJECTIVES.join(', ')})`);
  }
  const numFeature = num(mparam.num_feature, 'learner_model_param.num_feature');
  const numClass = mparam.num_class === undefined ? 0 : num(mparam.num_class, 'learner_model_param.num_class');
  const numTarget = mparam.num_target === undefined ? 1 : num(mparam.num_target, 'learner_model_param.num_target');
  const numGroups = Math.max(1, numClass, numTarget);
  const rawBase = mparam.base_score === undefined ? [0.5] : parseBaseScore(mparam.base_score);
  if (rawBase.length !== 1 && rawBase.length !== numGroups) {
    throw new XGBoostModelError(`base_score has ${rawBase.length} values for ${numGroups} outputs`);
  }
  const baseScore = rawBase.length === 1 ? new Array<number>(numGroups).fill(rawBase[0]) : rawBase;
  const baseMargin = Float32Array.from(baseScore.map((b) => baseScoreToMargin(objective, b)));
  const featureNames = Array.isArray(learner.feature_names) ? learner.feature_names.map(String) : [];
  if (featureNames.length > 0 && featureNames.length !== numFeature) {
    throw new XGBoostModelError(`the model names ${featureNames.length} features but has ${numFeature}`);
  }
  const attributes = learner.attributes === undefined ? {} : obj(learner.attributes, 'learner.attributes');
  const bestIteration = attributes.best_iteration === undefined ? undefined : num(attributes.best_iteration, 'attributes.best_iteration');

  const gb = obj(learner.gradient_booster, 'learner.gradient_booster');
  const name = String(gb.name);
  const base = { version, objective, numFeature, numClass, numGroups, baseScore, baseMargin, featureNames, bestIteration };
  if (name === 'gblinear') {
    const model = obj(gb.model, 'gradient_booster.model');
    const weights = numArray(model.weights, 'gradient_booster.model.weights');
    if (weights.length !== (numFeature + 1) * numGroups) {
      throw new XGBoostModelError(`gblinear has ${weights.length} weights, expected (${numFeature} + 1) × ${numGroups}`);
    }
    return { ...base, booster: 'gblinear', trees: [], treeGroup: new Int32Array(0), iterationIndptr: [], linearWeights: Float32Array.from(weights) };
  }
  if (name !== 'gbtree' && name !== 'dart') throw new XGBoostModelError(`booster "${name}" is not supported (gbtree, dart, gblinear are)`);
  const gbtree = name === 'dart' ? obj(gb.gbtree, 'gradient_booster.gbtree') : gb;
  const model = obj(gbtree.model, 'gradient_booster.model');
  const rawTrees = Array.isArray(model.trees) ? model.trees : [];
  const trees = rawTrees.map((t, i) => parseTree(obj(t, `trees[${i}]`), i));
  for (const [i, tree] of trees.entries()) {
    for (let n = 0; n < tree.left.length; n++) {
      if (tree.left[n] !== -1 && tree.splitIndex[n] >= numFeature) {
        throw new XGBoostModelError(`trees[${i}] splits on feature ${tree.splitIndex[n]} but the model has ${numFeature} features`);
      }
    }
  }
  const treeInfo = model.tree_info === undefined ? new Array<number>(trees.length).fill(0) : numArray(model.tree_info, 'tree_info');
  if (treeInfo.length !== trees.length) throw new XGBoostModelError(`tree_info has ${treeInfo.length} entries for ${trees.length} trees`);
  if (treeInfo.some((g) => g < 0 || g >= numGroups)) throw new XGBoostModelError(`tree_info names an output group outside 0..${numGroups - 1}`);
  let iterationIndptr: number[];
  if (Array.isArray(model.iteration_indptr)) {
    iterationIndptr = numArray(model.iteration_indptr, 'iteration_indptr');
  } else {
    const gparam = model.gbtree_model_param === undefined ? {} : obj(model.gbtree_model_param, 'gbtree_model_param');
    const parallel = gparam.num_parallel_tree === undefined ? 1 : Math.max(1, num(gparam.num_parallel_tree, 'num_parallel_tree'));
    const perIteration = parallel * numGroups;
    iterationIndptr = [0];
    for (let end = perIteration; end - perIteration < trees.length; end += perIteration) iterationIndptr.push(Math.min(end, trees.length));
  }
  let treeWeights: Float32Array | undefined;
  if (name === 'dart') {
    const drop = numArray(gb.weight_drop, 'gradient_booster.weight_drop');
    if (drop.length !== trees.length) throw new XGBoostModelError(`weight_drop has ${drop.length} entries for ${trees.length} trees`);
    treeWeights = Float32Array.from(drop);
  }
  return { ...base, booster: name, trees, treeGroup: Int32Array.from(treeInfo), treeWeights, iterationIndptr };
}
