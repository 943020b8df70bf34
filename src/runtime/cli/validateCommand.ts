import { loadJobSpec } from '../spec/loadJobSpec';
import { EXIT } from './exitCodes';

/** Checks a spec without training: the same checks `train` makes before it reads any data. */
export async function validateCommand(specFile: string, options: { set: string[] }): Promise<number> {
  const loaded = await loadJobSpec(specFile, { overrides: options.set });
  console.log(`${loaded.file}: valid job spec '${loaded.spec.name}'`);
  return EXIT.ok;
}
