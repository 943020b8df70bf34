/**
 * A bench-only engine for a single-input float32 ONNX model: instances must be flat lists of the input
 * width, copied straight into one Float32Array. It shows what the server and its batching do when the
 * engine's cost is ONNX Runtime's (a fixed cost per call, little per row), which is the case dynamic
 * batching exists for; the served engines' own input conversion is measured beside it.
 */
import * as ort from 'onnxruntime-node';
import type { ModelEngine, PredictOutcome } from '../../src/runtime/serving/modelEngine';

export async function loadLeanOnnxEngine(file: string): Promise<ModelEngine> {
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all' });
  const meta = session.inputMetadata[0];
  if (!meta.isTensor) throw new Error('the model input is not a tensor');
  const width = Number(meta.shape[1]);
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  return {
    framework: 'onnx',
    runtime: 'onnxruntime (bench lean input path)',
    signature: { inputs: [{ name: input, dtype: 'float32', shape: [-1, width] }], outputs: [{ name: output, dtype: 'float32', shape: [-1, -1] }] },
    async predict(instances: unknown[]): Promise<PredictOutcome[]> {
      const outcomes: PredictOutcome[] = new Array(instances.length);
      const rows: number[] = [];
      const x = new Float32Array(instances.length * width);
      instances.forEach((instance, i) => {
        if (!Array.isArray(instance) || instance.length !== width) {
          outcomes[i] = { error: `instance ${i}: expected a list of ${width} numbers` };
          return;
        }
        const base = rows.length * width;
        for (let k = 0; k < width; k++) {
          const v = instance[k];
          if (typeof v !== 'number') {
            outcomes[i] = { error: `instance ${i}: element ${k} is not a number` };
            return;
          }
          x[base + k] = v;
        }
        rows.push(i);
      });
      if (rows.length === 0) return outcomes;
      const result = await session.run({ [input]: new ort.Tensor('float32', x.subarray(0, rows.length * width), [rows.length, width]) });
      const y = result[output].data as Float32Array;
      const units = y.length / rows.length;
      rows.forEach((i, r) => (outcomes[i] = { prediction: Array.from(y.subarray(r * units, (r + 1) * units)) }));
      return outcomes;
    },
    async close() {
      await session.release();
    },
  };
}
