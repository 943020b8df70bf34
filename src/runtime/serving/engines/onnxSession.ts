/**
 * How Model Lab opens ONNX Runtime sessions, in one place for both ONNX engines.
 */
import * as ort from 'onnxruntime-node';
import type { LoadOptions } from '../modelEngine';

export function createOnnxSession(model: Uint8Array, options: LoadOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    ...(options.onnxThreads !== undefined ? { intraOpNumThreads: options.onnxThreads, interOpNumThreads: 1 } : {}),
    // ONNX Runtime's pool threads spin after each run, waiting for the next one. In a Node process the
    // event loop needs a core meanwhile (HTTP, JSON, the next request), and the spinning took it:
    // bench/serve measured one-instance requests at concurrency 64 rising from ≈5,400 to ≈9,000 a second
    // without spinning, and the engine alone was not slower.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
}
