/**
 * Predict (a model folder or a running endpoint; instances from a file or typed JSON) and Predict with
 * Sample Instances. Model Lab bundles predict in the runtime child (services.runtime.client().predict);
 * other kinds need their engine (ONNX Runtime, Python…), which only `model-lab serve` loads, so they
 * predict through a local endpoint for the folder, started on demand and listed in Endpoints.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { recogniseModelFolder } from '../../runtime/serving/modelFiles';
import type { ExtensionServices } from '../services';
import { requireTrust } from '../trust';
import { folderFromArg, message, openJson, pickModelFolder } from './commandArgs';
import type { Endpoint, EndpointManager } from './endpointManager';
import { getMetadata, postPredict, predictUrl } from './endpointHttp';
import { parseInstancesText } from './instancesInput';
import type { ModelFolderIndex } from './modelFolderContext';
import { instancesFromSignatureDef, sampleInstancesFromFolder } from './sampleInstances';

type Target = { kind: 'folder'; modelDir: string } | { kind: 'endpoint'; endpoint: Endpoint };

/** What a predict command answers (also its return value, for tests and other parts). */
export interface PredictOutcome {
  target: string;
  instancesFrom: string;
  request: { instances: unknown[] };
  /** HTTP status for endpoints; 200 for the runtime child. */
  status: number;
  response: unknown;
}

export class PredictCommands {
  constructor(
    private readonly services: Omit<ExtensionServices, 'models'>,
    private readonly index: ModelFolderIndex,
    private readonly endpoints: EndpointManager,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('modelLab.predict', (arg?: unknown) => this.guard('Predict', () => this.predict(arg))),
      vscode.commands.registerCommand('modelLab.predictWithSampleInstances', (arg?: unknown) => this.guard('Predict with Sample Instances', () => this.predictSample(arg))),
    ];
  }

  private async guard<T>(action: string, run: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!requireTrust(action)) return undefined;
    try {
      return await run();
    } catch (err) {
      this.services.log.error(`${action}: ${message(err)}`);
      void vscode.window.showErrorMessage(`Model Lab: ${action} failed: ${message(err)}`);
      return undefined;
    }
  }

  /** `arg`: a folder (Uri, path, {modelDir}), an endpoint ({endpointId} or a tree item), optionally with `instances`. */
  private async predict(arg: unknown): Promise<PredictOutcome | undefined> {
    const target = this.targetFromArg(arg) ?? (await this.pickTarget());
    if (!target) return undefined;
    const given = (arg as { instances?: unknown } | undefined)?.instances;
    const input = Array.isArray(given) ? { instances: given, from: 'the command argument' } : await this.askInstances();
    if (!input) return undefined;
    return this.run(target, input.instances, input.from);
  }

  private async predictSample(arg: unknown): Promise<PredictOutcome | undefined> {
    const modelDir = folderFromArg(arg) ?? (await pickModelFolder(this.index, 'Predict with Sample Instances'));
    if (!modelDir) return undefined;
    const fromFolder = sampleInstancesFromFolder(modelDir);
    if (fromFolder) return this.run({ kind: 'folder', modelDir }, fromFolder.instances, fromFolder.source);
    // Only the engine knows this model's inputs: serve it and read its signature.
    const endpoint = await this.endpointFor(modelDir);
    const metadata = await getMetadata(endpoint.url, endpoint.model, await this.endpoints.tokenFor(endpoint));
    const instances = metadata.status === 200 ? instancesFromSignatureDef(metadata.body) : undefined;
    if (!instances) {
      throw new Error(
        `could not build sample instances for ${modelDir}: its signature has unknown dimensions (${JSON.stringify(metadata.body).slice(0, 300)}). ` +
          'Add an instances.json ({"instances": [...]}) to the folder.',
      );
    }
    return this.run({ kind: 'endpoint', endpoint }, instances, `${endpoint.url} signature (zeros of each input's shape)`);
  }

  private targetFromArg(arg: unknown): Target | undefined {
    const o = (typeof arg === 'object' && arg !== null ? arg : {}) as { endpointId?: unknown; id?: unknown; url?: unknown };
    const id = typeof o.endpointId === 'string' ? o.endpointId : typeof o.id === 'string' && typeof o.url === 'string' ? o.id : undefined;
    if (id !== undefined) {
      const endpoint = this.endpoints.get(id);
      if (!endpoint) throw new Error(`no running endpoint ${id}`);
      return { kind: 'endpoint', endpoint };
    }
    const modelDir = folderFromArg(arg);
    return modelDir ? { kind: 'folder', modelDir } : undefined;
  }

  private async pickTarget(): Promise<Target | undefined> {
    const folders = await this.index.refresh();
    type Item = vscode.QuickPickItem & { target?: Target };
    const items: Item[] = [
      ...(this.endpoints.list().length ? [{ label: 'Endpoints', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
      ...this.endpoints.list().map((endpoint) => ({ label: `$(server-process) ${endpoint.model}`, description: endpoint.url, detail: endpoint.modelDir, target: { kind: 'endpoint', endpoint } as Target })),
      ...(folders.length ? [{ label: 'Model folders', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
      ...folders.map((modelDir) => ({ label: `$(folder) ${vscode.workspace.asRelativePath(modelDir)}`, description: recogniseModelFolder(modelDir)?.kind, target: { kind: 'folder', modelDir } as Target })),
    ];
    if (!items.some((i) => i.target)) {
      void vscode.window.showInformationMessage('Model Lab: nothing to predict with: no running endpoint and no model folder in this workspace.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Predict with…', matchOnDetail: true }))?.target;
  }

  private async askInstances(): Promise<{ instances: unknown[]; from: string } | undefined> {
    const how = await vscode.window.showQuickPick(
      [
        { label: '$(file) Instances file…', detail: 'JSON {"instances": [...]}, a JSON array, JSON Lines, or CSV with a header row', file: true },
        { label: '$(edit) Type JSON…', detail: 'e.g. [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]', file: false },
      ],
      { title: 'Instances to predict' },
    );
    if (!how) return undefined;
    if (how.file) {
      const [uri] =
        (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Predict', filters: { Instances: ['json', 'jsonl', 'ndjson', 'csv'], 'All files': ['*'] } })) ?? [];
      if (!uri) return undefined;
      return { instances: parseInstancesText(readFileSync(uri.fsPath, 'utf8'), uri.fsPath), from: uri.fsPath };
    }
    const text = await vscode.window.showInputBox({
      title: 'Instances (JSON)',
      prompt: 'A list of instances, {"instances": [...]}, or one instance',
      validateInput: (value) => {
        try {
          parseInstancesText(value, 'the input box');
          return undefined;
        } catch (err) {
          return message(err);
        }
      },
    });
    return text === undefined ? undefined : { instances: parseInstancesText(text, 'the input box'), from: 'typed JSON' };
  }

  /** The endpoint already serving this folder, else a new one. */
  private async endpointFor(modelDir: string): Promise<Endpoint> {
    const running = this.endpoints.forFolder(modelDir);
    if (running) return running;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Model Lab: starting a local endpoint for ${vscode.workspace.asRelativePath(modelDir)}…` }, () =>
      this.endpoints.start(modelDir),
    );
  }

  private async run(target: Target, instances: unknown[], from: string): Promise<PredictOutcome> {
    let outcome: PredictOutcome;
    if (target.kind === 'folder' && recogniseModelFolder(target.modelDir)?.kind === 'modellab-bundle') {
      const client = await this.services.runtime.client();
      const result = await client.predict(target.modelDir, instances as Record<string, unknown>[]);
      outcome = { target: `${target.modelDir} (runtime)`, instancesFrom: from, request: { instances }, status: 200, response: result };
    } else {
      const endpoint = target.kind === 'endpoint' ? target.endpoint : await this.endpointFor(target.modelDir);
      const answer = await postPredict(endpoint.url, endpoint.model, instances, await this.endpoints.tokenFor(endpoint));
      outcome = { target: predictUrl(endpoint.url, endpoint.model), instancesFrom: from, request: { instances }, status: answer.status, response: answer.body };
    }
    await openJson(outcome);
    return outcome;
  }
}
