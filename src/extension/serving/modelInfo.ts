/**
 * "Show Model Info": a Markdown page about a model folder — its kind and file, and for a Model Lab
 * bundle the signature, labels, metrics and lineage (run, spec, hyperparameters, data) its modellab.json
 * records. vscode-free: reads files only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { recogniseModelFolder, SERVABLE_FOLDER_HINT } from '../../runtime/serving/modelFiles';

/** Markdown cell text: no pipes or newlines. */
const cell = (v: unknown) => String(typeof v === 'object' && v !== null ? JSON.stringify(v) : v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (v: unknown) => `\`${String(v).replace(/`/g, "'")}\``;

function table(header: string[], rows: unknown[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''];
}

interface Manifest {
  task?: string;
  createdAt?: string;
  signature?: {
    rawInputs?: { name: string; type: string }[];
    inputs?: { name: string; dtype: string; shape: number[] }[];
    outputs?: { name: string; dtype: string; shape: number[] }[];
  };
  labels?: string[];
  metrics?: Record<string, number>;
  lineage?: {
    runId?: string;
    specFile?: string;
    spec?: { name?: string };
    hyperparameters?: Record<string, unknown>;
    seed?: number;
    backend?: string;
    epoch?: number;
    data?: { files?: { path: string; bytes: number; sha256: string }[]; trainRecords?: number; evalRecords?: number; fingerprint?: string };
  };
}

function bundleSections(manifest: Manifest, file: string): string[] {
  const out: string[] = [];
  if (manifest.task) out.push(`**Task:** ${manifest.task}${manifest.createdAt ? ` · saved ${manifest.createdAt}` : ''}`, '');
  const sig = manifest.signature;
  out.push('## Signature', '');
  if (sig?.rawInputs?.length) out.push('Fields a request sends (raw records, before the transform):', '', ...table(['Field', 'Type'], sig.rawInputs.map((r) => [r.name, r.type])));
  const tensors = [...(sig?.inputs ?? []).map((t) => ['input', t.name, t.dtype, `[${t.shape.join(', ')}]`]), ...(sig?.outputs ?? []).map((t) => ['output', t.name, t.dtype, `[${t.shape.join(', ')}]`])];
  if (tensors.length) out.push(...table(['Tensor', 'Name', 'Dtype', 'Shape'], tensors));
  if (!sig) out.push(`_${file} has no signature._`, '');
  if (manifest.labels?.length) out.push('## Labels', '', manifest.labels.map((l, i) => `${i}. ${code(l)}`).join('  \n'), '');
  const metrics = Object.entries(manifest.metrics ?? {});
  if (metrics.length) out.push('## Metrics', '', ...table(['Metric', 'Value'], metrics.map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(6)) : v])));
  const l = manifest.lineage;
  if (l) {
    out.push('## Lineage', '');
    const facts: [string, unknown][] = [
      ['Run', l.runId],
      ['Spec', l.specFile && `${l.specFile}${l.spec?.name ? ` (job ${l.spec.name})` : ''}`],
      ['Epoch of the saved weights', l.epoch],
      ['Seed', l.seed],
      ['Backend', l.backend],
      ['Data fingerprint', l.data?.fingerprint],
      ['Records', l.data && `${l.data.trainRecords ?? '?'} train / ${l.data.evalRecords ?? '?'} eval`],
    ];
    out.push(...table(['', ''], facts.filter(([, v]) => v !== undefined && v !== '')));
    const hp = Object.entries(l.hyperparameters ?? {});
    if (hp.length) out.push('**Hyperparameters**', '', ...table(['Name', 'Value'], hp));
    if (l.data?.files?.length) out.push('**Data files**', '', ...table(['File', 'Bytes', 'SHA-256'], l.data.files.map((f) => [f.path, f.bytes, f.sha256.slice(0, 16) + '…'])));
  }
  return out;
}

/** What the registry recorded when this folder is a registry version's copy (…/<model>/<version>/model). */
function registrySection(modelDir: string): string[] {
  const versionFile = join(dirname(modelDir), 'version.json');
  if (basename(modelDir) !== 'model' || !existsSync(versionFile)) return [];
  try {
    const v = JSON.parse(readFileSync(versionFile, 'utf8')) as { name?: string; createTime?: string; origin?: string; description?: string };
    const model = basename(dirname(dirname(modelDir)));
    return ['## Registry', '', ...table(['', ''], [['Model', model], ['Version', v.name], ['Created', v.createTime], ['Copied from', v.origin], ['Description', v.description ?? '']])];
  } catch {
    return [];
  }
}

export function modelInfoMarkdown(modelDir: string): string {
  const recognised = recogniseModelFolder(modelDir);
  if (!recognised) throw new Error(`${modelDir} holds no model Model Lab can serve: ${SERVABLE_FOLDER_HINT}`);
  // Run and registry folders name their model folder plainly `model`: its parent says which it is.
  const title = basename(modelDir) === 'model' ? `${basename(dirname(modelDir))}/model` : basename(modelDir);
  const out = [`# ${title}`, '', `**Kind:** ${recognised.kind} · **Folder:** ${code(modelDir)}`, ''];
  if (recognised.file) out.push(`**Model file:** ${code(basename(recognised.file))} (${statSync(recognised.file).size.toLocaleString('en-US')} bytes)`, '');
  if (recognised.problem) out.push(`> ⚠ ${recognised.problem}`, '');
  if (recognised.kind === 'modellab-bundle' && recognised.file) {
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(recognised.file, 'utf8')) as Manifest;
    } catch (err) {
      throw new Error(`${recognised.file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    out.push(...bundleSections(manifest, recognised.file));
  } else {
    out.push(
      `Signature, labels and metrics are recorded only in Model Lab bundles (modellab.json). For this ${recognised.kind} model, serve it and read ` +
        '`GET <endpoint>/v1/models/<model>/metadata` for its signature.',
      '',
    );
  }
  out.push(...registrySection(modelDir));
  return out.join('\n');
}
