import { resolve } from 'node:path';
import { isBackendRequest, selectBackend } from '../backend/selectBackend';
import { loadBundle } from '../bundle/bundle';
import { readInstances } from '../data/readInstances';
import { predictRecords } from '../predict/predictRecords';
import { CliError, EXIT } from './exitCodes';

export interface PredictOptions {
  instances: string;
  backend: string;
}

/** Prints one JSON prediction per line, in the order of the instances. */
export async function predictCommand(modelDir: string, options: PredictOptions): Promise<number> {
  if (!isBackendRequest(options.backend)) throw new CliError(`unknown backend '${options.backend}'`, EXIT.usage);
  await selectBackend(options.backend);
  const bundle = await loadBundle(resolve(modelDir));
  const instances = await readInstances(resolve(options.instances));
  const predictions = predictRecords(bundle, instances.records);
  for (const p of predictions) process.stdout.write(`${JSON.stringify(p)}\n`);
  bundle.model.dispose();
  return EXIT.ok;
}
