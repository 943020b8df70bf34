/**
 * Serves a plain ONNX model folder (a `*.onnx` from PyTorch, skl2onnx, onnxmltools, or Model Lab's
 * export) with ONNX Runtime. Instances are sent as Cloud ML Engine sends them to a model without a
 * transform: lists / nested lists for one input, objects keyed by input name for several.
 *
 * Answers: a single output gives its row per instance (bare values, as Cloud ML does for one output);
 * several outputs give an object keyed by output name; a classifier (a label output plus a
 * probability output, the skl2onnx `output_label` / `output_probability` pair, ZipMap or not) gives
 * `{label, classes, probabilities}` — the shape Model Lab bundles answer with, richer than AI
 * Platform's scikit-learn runtime, which calls `predict()` and so returns the label alone.
 */
import { readFile } from 'node:fs/promises';
import type * as ort from 'onnxruntime-node';
import { type StrippedModel, stripZipMap } from '../../onnx/zipMap';
import type { EngineSignature, LoadOptions, ModelEngine, ModelLoader, PredictOutcome } from '../modelEngine';
import { findOnnxFile as findOnnxFileSync, recogniseAs } from '../modelFiles';
import { createOnnxSession } from './onnxSession';
import { type InputSpec, outputRow, type ParsedInstance, parseInstance, stackInputs } from './onnxInstances';

/** `model.onnx` if present, else the folder's only `*.onnx` (the rule lives in ../modelFiles). */
export async function findOnnxFile(dir: string): Promise<string | undefined> {
  return findOnnxFileSync(dir);
}

const dimsOf = (shape: ReadonlyArray<number | string>): (number | null)[] => shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null));

/** Which outputs make a classifier's answer, if the model is one. */
interface ClassifierOutputs {
  label: string;
  probabilities: string;
  classes?: (string | number)[];
}

function classifierOutputs(outputNames: readonly string[], model: StrippedModel): ClassifierOutputs | undefined {
  if (outputNames.length !== 2) return undefined;
  const zip = model.zipMaps.find((z) => outputNames.includes(z.output));
  if (zip) return { label: outputNames.find((n) => n !== zip.output)!, probabilities: zip.output, classes: zip.classes };
  if (outputNames.includes('output_label') && outputNames.includes('output_probability')) {
    return { label: 'output_label', probabilities: 'output_probability', classes: model.classLabels };
  }
  return undefined;
}

export class OnnxEngine implements ModelEngine {
  readonly framework = 'onnx';
  readonly runtime = 'onnxruntime';
  readonly acceptsNumericTensors = true;
  readonly signature: EngineSignature;
  private readonly inputs: InputSpec[];
  private readonly classifier: ClassifierOutputs | undefined;
  /** Most instances per run: a model exported with a fixed batch size takes only that many. */
  private readonly maxBatch: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    model: StrippedModel,
  ) {
    this.inputs = session.inputMetadata.map((m) => {
      if (!m.isTensor) throw new Error(`input '${m.name}' is not a tensor; Model Lab serves tensor inputs only`);
      return { name: m.name, type: m.type, dims: dimsOf(m.shape).slice(1) };
    });
    this.classifier = classifierOutputs(session.outputNames, model);
    const fixedBatches = session.inputMetadata.flatMap((m) => (m.isTensor && typeof m.shape[0] === 'number' && m.shape[0] > 0 ? [m.shape[0]] : []));
    this.maxBatch = fixedBatches.length > 0 ? Math.min(...fixedBatches) : Infinity;
    this.signature = {
      inputs: session.inputMetadata.map((m) => ({ name: m.name, dtype: m.isTensor ? m.type : 'unknown', shape: m.isTensor ? dimsOf(m.shape).map((d) => d ?? -1) : [] })),
      outputs: session.outputMetadata.map((m) => ({ name: m.name, dtype: m.isTensor ? m.type : 'unknown', shape: m.isTensor ? dimsOf(m.shape).map((d) => d ?? -1) : [] })),
    };
  }

  static async fromFile(file: string, options: LoadOptions = {}): Promise<OnnxEngine> {
    const model = stripZipMap(await readFile(file));
    const session = await createOnnxSession(model.bytes, options);
    return new OnnxEngine(session, model);
  }

  async predict(instances: unknown[]): Promise<PredictOutcome[]> {
    const outcomes: PredictOutcome[] = new Array(instances.length);
    // Instances whose shapes agree run as one batch; a model with open dimensions may get several.
    const groups = new Map<string, { parsed: ParsedInstance[]; index: number[] }>();
    instances.forEach((instance, i) => {
      try {
        const parsed = parseInstance(instance, this.inputs);
        const group = groups.get(parsed.key) ?? { parsed: [], index: [] };
        group.parsed.push(parsed);
        group.index.push(i);
        groups.set(parsed.key, group);
      } catch (err) {
        outcomes[i] = { error: `instance ${i}: ${err instanceof Error ? err.message : String(err)}` };
      }
    });
    for (const group of groups.values()) {
      const step = Math.min(group.parsed.length, this.maxBatch);
      for (let start = 0; start < group.parsed.length; start += step) {
        const parsed = group.parsed.slice(start, start + step);
        const index = group.index.slice(start, start + step);
        try {
          const results = await this.session.run(stackInputs(parsed, this.inputs));
          index.forEach((i, k) => (outcomes[i] = { prediction: this.answer(results, k) }));
        } catch (err) {
          const message = `the model failed: ${err instanceof Error ? err.message : String(err)}`;
          for (const i of index) outcomes[i] = { error: message };
        }
      }
    }
    return outcomes;
  }

  private answer(results: ort.InferenceSession.OnnxValueMapType, row: number): unknown {
    const c = this.classifier;
    if (c) {
      const probabilities = outputRow(results[c.probabilities], row) as number[];
      const label = outputRow(results[c.label], row);
      return c.classes ? { label, classes: c.classes, probabilities } : { label, probabilities };
    }
    const names = this.session.outputNames;
    if (names.length === 1) return outputRow(results[names[0]], row);
    return Object.fromEntries(names.map((n) => [n, outputRow(results[n], row)]));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export const onnxLoader: ModelLoader = {
  framework: 'onnx',
  async detect(dir) {
    return recogniseAs(dir, 'onnx') !== undefined;
  },
  async load(dir, options) {
    const file = await findOnnxFile(dir);
    if (!file) throw new Error(`${dir} holds no *.onnx file`);
    return OnnxEngine.fromFile(file, options);
  },
};
