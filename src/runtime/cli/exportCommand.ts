/**
 * `model-lab export --format onnx <model-folder> --out <file>`: the folder's TensorFlow.js layers
 * model as an ONNX file that ONNX Runtime (or any ONNX consumer) loads. The transform is not part of
 * the graph: the file takes the transformed tensor, as the bundle's signature describes it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { selectBackend } from '../backend/selectBackend';
import { readManifest } from '../bundle/bundle';
import { MODEL_JSON, readLayersModel } from '../bundle/layersModelFiles';
import { MANIFEST_FILE } from '../bundle/manifest';
import { convertLayersModelToOnnx, UnsupportedLayerError } from '../onnx/convertLayersModel';
import { CliError, EXIT } from './exitCodes';

export interface ExportOptions {
  format: 'onnx';
  out: string;
}

export async function exportCommand(modelDir: string, options: ExportOptions): Promise<number> {
  const dir = resolve(modelDir);
  if (!existsSync(join(dir, MODEL_JSON))) throw new CliError(`${dir} has no ${MODEL_JSON}: only TensorFlow.js layers models (Model Lab bundles) export to ONNX`, EXIT.usage);
  // Class labels travel in the file's metadata, so the ONNX file alone says what its outputs mean.
  const labels = existsSync(join(dir, MANIFEST_FILE)) ? (await readManifest(dir)).labels : undefined;
  // Conversion only reads weights: the pure-JS backend is always there and needs no wasm files.
  await selectBackend('cpu');
  const model = await readLayersModel(dir);
  let bytes: Uint8Array;
  try {
    bytes = convertLayersModelToOnnx(model, { metadata: labels ? { 'modellab.labels': JSON.stringify(labels) } : {} });
  } catch (err) {
    if (err instanceof UnsupportedLayerError) throw new CliError(`cannot export ${dir} to ONNX: ${err.message}`);
    throw err;
  } finally {
    model.dispose();
  }
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  await writeFile(partial, bytes);
  await rename(partial, out);
  console.log(`wrote ${out} (${bytes.byteLength} bytes, ONNX opset 13)`);
  return EXIT.ok;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Export a model folder\'s TensorFlow.js layers model to a portable format (ONNX).')
    .argument('<model-folder>', 'a model folder (e.g. .modellab/runs/<run>/model)')
    .addOption(new Option('--format <format>', 'output format').choices(['onnx']).makeOptionMandatory())
    .requiredOption('--out <file>', 'the file to write, e.g. model.onnx')
    .action(async (modelDir: string, options: ExportOptions) => {
      process.exitCode = await exportCommand(modelDir, options);
    });
}
