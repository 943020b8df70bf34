/**
 * scikit-learn classifiers converted by skl2onnx (and XGBoost ones by onnxmltools) end in a ZipMap
 * node that turns the probability tensor into a sequence of {class: probability} maps. ONNX
 * Runtime's Node binding returns only tensors, so such a model cannot be run as it is. This removes
 * ZipMap nodes that feed graph outputs, exposing the probability tensor under the output's name, and
 * returns the class labels ZipMap would have used as the map keys.
 * (The name says what it is for; it also reports a ZipMap-less classifier's labels.)
 */
import { DataType, decodeModel, encodeModel, type GraphProto, type NodeProto, toNumber, type ValueInfoProto } from './onnxProto';

export interface ZipMapOutput {
  /** The graph output (now a float tensor [N, classes]). */
  output: string;
  /** The map keys, in the order of the tensor's columns. */
  classes: (string | number)[];
}

export interface StrippedModel {
  bytes: Uint8Array;
  zipMaps: ZipMapOutput[];
  /**
   * The class labels of the model's only ai.onnx.ml classifier node (LinearClassifier,
   * TreeEnsembleClassifier, SVMClassifier…), in the order of its probability columns; this is how a
   * classifier converted without ZipMap (skl2onnx's zipmap=False) still names its classes.
   */
  classLabels?: (string | number)[];
}

const decoder = new TextDecoder();

/** A node's class labels: ZipMap names them classlabels_int64s, the classifiers classlabels_ints. */
function classLabelsOf(node: NodeProto | undefined): (string | number)[] | undefined {
  for (const a of node?.attribute ?? []) {
    if (a.name === 'classlabels_strings' && a.strings?.length) return a.strings.map((s) => decoder.decode(s));
    if ((a.name === 'classlabels_int64s' || a.name === 'classlabels_ints') && a.ints?.length) return a.ints.map((i) => toNumber(i));
  }
  return undefined;
}

function zipMapClasses(graph: GraphProto, index: number): (string | number)[] {
  const node = graph.node?.[index];
  return classLabelsOf(node) ?? fail(`ZipMap node '${node?.name ?? index}' has no class labels`);
}

function fail(message: string): never {
  throw new Error(message);
}

function classifierLabels(graph: GraphProto): (string | number)[] | undefined {
  const found = (graph.node ?? []).filter((n) => n.domain === 'ai.onnx.ml' && n.opType.endsWith('Classifier')).map(classLabelsOf);
  return found.length === 1 ? found[0] : undefined;
}

/** The model unchanged (no ZipMap output), or rewritten without its ZipMap outputs. */
export function stripZipMap(bytes: Uint8Array): StrippedModel {
  const model = decodeModel(bytes);
  const graph = model.graph;
  const zipIndices = (graph.node ?? []).flatMap((n, i) => (n.opType === 'ZipMap' && graph.output?.some((o) => o.name === n.output[0]) ? [i] : []));
  const classLabels = classifierLabels(graph);
  if (zipIndices.length === 0) return { bytes, zipMaps: [], classLabels };
  // The schema in onnxProto.ts does not declare these parts; re-encoding would lose them.
  if ((model.trainingInfo?.length ?? 0) > 0 || (model.functions?.length ?? 0) > 0) {
    throw new Error('the model has a ZipMap output and also training info or local functions, which Model Lab cannot rewrite');
  }
  const zipMaps: ZipMapOutput[] = [];
  for (const i of zipIndices) {
    const node = graph.node![i];
    const [input] = node.input;
    const output = node.output[0];
    zipMaps.push({ output, classes: zipMapClasses(graph, i) });
    // Rename the probability tensor to the output's name, wherever it is produced or used.
    for (const n of graph.node ?? []) {
      n.input = n.input.map((v) => (v === input ? output : v));
      n.output = n.output.map((v) => (v === input ? output : v));
    }
    for (const v of graph.valueInfo ?? []) if (v.name === input) v.name = output;
    const probabilities: ValueInfoProto = {
      name: output,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: zipMaps[zipMaps.length - 1].classes.length }] } } },
    };
    graph.output = graph.output!.map((o) => (o.name === output ? probabilities : o));
  }
  const remove = new Set(zipIndices);
  graph.node = graph.node!.filter((_n, i) => !remove.has(i));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => !graph.output!.some((o) => o.name === v.name));
  return { bytes: encodeModel(model), zipMaps, classLabels };
}
