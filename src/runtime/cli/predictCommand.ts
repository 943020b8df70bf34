import { resolve } from 'node:path';
import { isBackendRequest, selectBackend } from '../backend/selectBackend';
import { readInstances } from '../data/readInstances';
import { loadModelFolder } from '../serving/loadModelFolder';
import { CliError, EXIT } from './exitCodes';

export interface PredictOptions {
  instances: string;
  backend: string;
}

/** Instances per engine call: bounds the engine's buffers whatever the size of the file. */
const CHUNK = 1024;

/**
 * Predicts every instance with any model folder Model Lab can serve (loadModelFolder picks the engine:
 * bundle through ONNX Runtime or TensorFlow.js, ONNX, XGBoost, scikit-learn…).
 * Prints one JSON prediction per line, in the order of the instances. An instance the model rejects does
 * not stop the others: it gets a line on stderr naming its index and its place in the file
 * (`file:line: instance i: why`), its prediction line is left out, and the command exits 1 once every
 * good prediction has been printed — so a script that ignores the exit code still cannot mistake the
 * output for a complete one, and the stderr lines say which inputs to look at.
 */
export async function predictCommand(modelDir: string, options: PredictOptions): Promise<number> {
  if (!isBackendRequest(options.backend)) throw new CliError(`unknown backend '${options.backend}'`, EXIT.usage);
  await selectBackend(options.backend);
  const engine = await loadModelFolder(resolve(modelDir));
  let failed = 0;
  try {
    const { records, origins } = await readInstances(resolve(options.instances));
    for (let start = 0; start < records.length; start += CHUNK) {
      const outcomes = await engine.predict(records.slice(start, start + CHUNK));
      outcomes.forEach((outcome, k) => {
        const i = start + k;
        if ('error' in outcome) {
          failed++;
          // Engines number instances within the call; say which one of the file it is.
          const why = outcome.error.replace(/^instance \d+\s*:?\s*/, '');
          process.stderr.write(`model-lab: ${origins[i].file}:${origins[i].line}: instance ${i}: ${why}\n`);
        } else process.stdout.write(`${JSON.stringify(outcome.prediction)}\n`);
      });
    }
  } finally {
    await engine.close();
  }
  if (failed > 0) {
    process.stderr.write(`model-lab: ${failed} instance${failed > 1 ? 's' : ''} failed; their predictions are left out\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
