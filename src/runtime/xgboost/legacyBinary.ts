/**
 * Reads XGBoost's legacy binary model format — what `save_model('model.bst')` wrote before XGBoost 2 (and
 * `Booster.save_raw()` by default before 1.7), the file Cloud ML Engine's xgboost runtime loads as
 * `model.bst` — into the same document shape as XGBoost's JSON model (doc/model.schema), so that one parser
 * (xgboostModel.ts) checks both. Little-endian, as XGBoost writes it on every platform it ships for:
 *
 *   ["binf"] LearnerModelParamLegacy (136 bytes: base_score f32, num_feature u32, num_class i32,
 *            contain_extra_attrs i32, contain_eval_metrics i32, major u32, minor u32, num_target u32, …)
 *   objective name, booster name (each: u64 length + bytes)
 *   gbtree/dart: GBTreeModelParam (160 bytes: num_trees i32, num_parallel_tree i32, …), then per tree
 *            TreeParam (148 bytes: num_roots, num_nodes, num_deleted, max_depth, num_feature,
 *            size_leaf_vector, …), nodes (20 bytes each: parent, left, right, sindex u32 whose top bit is
 *            default_left, leaf value / split condition f32), node stats (16 bytes each);
 *            tree_info (i32 per tree); dart: weight_drop (u64 count + f32s)
 *   gblinear: param (136 bytes), weights (u64 count + f32s)
 *   when contain_extra_attrs: attributes (u64 count, then key and value strings)
 * Feature names are not part of this format.
 */
export class LegacyBinaryError extends Error {}

class Reader {
  pos: number;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  private need(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) throw new LegacyBinaryError(`truncated at byte ${this.pos} (needed ${n} more)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  i32(at: number): number {
    return this.view.getInt32(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  f32(at: number): number {
    return this.view.getFloat32(at, true);
  }
  block(n: number): number {
    return this.need(n);
  }
  u64(): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (v > BigInt(this.bytes.length)) throw new LegacyBinaryError(`implausible length ${v} at byte ${this.pos - 8}`);
    return Number(v);
  }
  string(): string {
    const n = this.u64();
    const at = this.need(n);
    return new TextDecoder().decode(this.bytes.subarray(at, at + n));
  }
  floats(): number[] {
    const n = this.u64();
    const at = this.need(4 * n);
    return Array.from({ length: n }, (_, i) => this.f32(at + 4 * i));
  }
}

const BOOSTERS = new Set(['gbtree', 'dart', 'gblinear']);

function parseAt(bytes: Uint8Array, start: number): Record<string, unknown> {
  const r = new Reader(bytes, start);
  const m = r.block(136);
  const baseScore = r.f32(m);
  const numFeature = r.u32(m + 4);
  const numClass = r.i32(m + 8);
  const containExtraAttrs = r.i32(m + 12);
  const major = r.u32(m + 20);
  const minor = r.u32(m + 24);
  const numTarget = r.u32(m + 28);
  const objective = r.string();
  const booster = r.string();
  if (!BOOSTERS.has(booster)) throw new LegacyBinaryError(`unknown booster "${booster.slice(0, 40)}"`);
  let gradientBooster: Record<string, unknown>;
  if (booster === 'gblinear') {
    r.block(136);
    gradientBooster = { name: 'gblinear', model: { weights: r.floats() } };
  } else {
    const g = r.block(160);
    const numTrees = r.i32(g);
    const numParallelTree = r.i32(g + 4);
    if (numTrees < 0 || numTrees > bytes.length) throw new LegacyBinaryError(`implausible tree count ${numTrees}`);
    const trees = [];
    for (let t = 0; t < numTrees; t++) {
      const p = r.block(148);
      const numNodes = r.i32(p + 4);
      const sizeLeafVector = r.i32(p + 20);
      if (numNodes <= 0 || numNodes > bytes.length) throw new LegacyBinaryError(`tree ${t} has an implausible node count ${numNodes}`);
      const nodes = r.block(20 * numNodes);
      r.block(16 * numNodes); // node statistics: not needed to predict
      const left: number[] = [];
      const right: number[] = [];
      const splitIndices: number[] = [];
      const splitConditions: number[] = [];
      const defaultLeft: number[] = [];
      for (let n = 0; n < numNodes; n++) {
        const at = nodes + 20 * n;
        left.push(r.i32(at + 4));
        right.push(r.i32(at + 8));
        const sindex = r.u32(at + 12);
        splitIndices.push(sindex & 0x7fffffff);
        defaultLeft.push(sindex >>> 31);
        splitConditions.push(r.f32(at + 16));
      }
      trees.push({
        id: t,
        tree_param: { num_nodes: String(numNodes), size_leaf_vector: String(sizeLeafVector), num_feature: String(r.i32(p + 16)) },
        left_children: left,
        right_children: right,
        split_indices: splitIndices,
        split_conditions: splitConditions,
        default_left: defaultLeft,
      });
    }
    const info = r.block(4 * numTrees);
    const treeInfo = Array.from({ length: numTrees }, (_, i) => r.i32(info + 4 * i));
    const model = {
      gbtree_model_param: { num_trees: String(numTrees), num_parallel_tree: String(Math.max(1, numParallelTree)) },
      trees,
      tree_info: treeInfo,
    };
    gradientBooster = booster === 'dart' ? { name: 'dart', gbtree: { name: 'gbtree', model }, weight_drop: r.floats() } : { name: 'gbtree', model };
  }
  const attributes: Record<string, string> = {};
  if (containExtraAttrs !== 0) {
    const n = r.u64();
    for (let i = 0; i < n; i++) {
      const key = r.string();
      attributes[key] = r.string();
    }
  }
  // The saved objective configuration (an attribute since 1.0) is not a user attribute.
  delete attributes.objective;
  delete attributes.metrics;
  return {
    version: major || minor ? [major, minor, 0] : [],
    learner: {
      attributes,
      feature_names: [],
      feature_types: [],
      gradient_booster: gradientBooster,
      learner_model_param: {
        base_score: String(baseScore),
        num_class: String(numClass),
        num_feature: String(numFeature),
        num_target: String(Math.max(1, numTarget)),
      },
      objective: { name: objective },
    },
  };
}

/** The model document of a legacy binary model (with or without the "binf" header). */
export function decodeLegacyBinary(bytes: Uint8Array): Record<string, unknown> {
  const hasHeader = bytes[0] === 0x62 && bytes[1] === 0x69 && bytes[2] === 0x6e && bytes[3] === 0x66; // "binf"
  return parseAt(bytes, hasHeader ? 4 : 0);
}
