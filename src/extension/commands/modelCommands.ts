/**
 * Model folders, the registry and local endpoints: the Explorer's "Model Lab" submenu on recognised
 * model folders (Serve, Predict with Sample Instances, Batch Predict, Register as Model Version, Show
 * Model Info), the palette's Serve / Stop Endpoint / Predict / Batch Predict, and the Models and
 * Endpoints views. Returns the ModelActions the study and run panels use for their best trial.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { ModelRegistry } from '../../runtime/serving/registry';
import { nodeLaunch, runtimePaths } from '../runtimeHost/runtimeLaunch';
import { startBatchPredict } from '../serving/batchPredictJob';
import { endpointFromArg, folderFromArg, message, openJson, pickEndpoint, pickModelFolder } from '../serving/commandArgs';
import { curlSnippet, getMetadata, postPredict, predictUrl } from '../serving/endpointHttp';
import { type Endpoint, EndpointManager, modelNameFor } from '../serving/endpointManager';
import { ModelFolderIndex } from '../serving/modelFolderContext';
import { modelInfoMarkdown } from '../serving/modelInfo';
import { PredictCommands } from '../serving/predictCommands';
import { instancesFromSignatureDef, sampleInstancesFromFolder } from '../serving/sampleInstances';
import type { ExtensionServices, ModelActions } from '../services';
import { requireTrust } from '../trust';
import { EndpointsTree } from '../views/endpointsTree';
import { type ModelsNode, ModelsTree } from '../views/modelsTree';
import { viewItems } from '../views/viewItems';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export function registerModelCommands(services: Omit<ExtensionServices, 'models'> & { serving?: ExtensionServices['serving'] }): ModelActions {
  const { context, log } = services;
  const index = new ModelFolderIndex(log);
  const endpoints = new EndpointManager(context, log);
  const modelsTree = new ModelsTree(log);
  const endpointsTree = new EndpointsTree(endpoints);
  services.serving = {
    modelFolders: () => index.folders(),
    refreshModelFolders: () => index.refresh(),
    endpoints: () => endpoints.list(),
    viewItems: (view) => (view === 'modelLab.models' ? viewItems(modelsTree) : viewItems(endpointsTree)),
  };

  /** Runs a command body; failures go to the log and an error message naming the action. */
  async function guarded<T>(action: string, needsTrust: boolean, body: () => Promise<T | undefined>): Promise<T | undefined> {
    if (needsTrust && !requireTrust(action)) return undefined;
    try {
      return await body();
    } catch (err) {
      log.error(`${action}: ${message(err)}`);
      void vscode.window.showErrorMessage(`Model Lab: ${action} failed: ${message(err)}`);
      return undefined;
    }
  }

  async function serve(modelDir: string, model?: string): Promise<Endpoint> {
    const running = endpoints.forFolder(modelDir);
    if (running && (model === undefined || running.model === model)) return running;
    const endpoint = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Lab: serving ${vscode.workspace.asRelativePath(modelDir)}…` },
      () => endpoints.start(modelDir, model),
    );
    void vscode.window.showInformationMessage(`Model Lab: ${endpoint.model} (${endpoint.framework}) is served at ${endpoint.url}`, 'Copy URL', 'Open a Test Request').then((choice) => {
      if (choice === 'Copy URL') void vscode.commands.executeCommand('modelLab.copyEndpointUrl', endpoint);
      if (choice === 'Open a Test Request') void vscode.commands.executeCommand('modelLab.openTestRequest', endpoint);
    });
    return endpoint;
  }

  function workspaceFor(modelDir: string): string {
    const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(modelDir)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!ws) throw new Error('open a folder first: the registry lives in its .modellab/models');
    return ws.uri.fsPath;
  }

  /** Registers `modelDir` as the next version (v1, v2…) of `model` (asked, default the folder's name). */
  async function register(modelDir: string, givenModel?: string): Promise<{ model: string; version: string } | undefined> {
    const registry = new ModelRegistry(workspaceFor(modelDir));
    const model =
      givenModel ??
      (await vscode.window.showInputBox({
        title: 'Register as Model Version',
        prompt: `Model name in ${vscode.workspace.asRelativePath(registry.root)} (an existing one gets a new version)`,
        value: modelNameFor(modelDir),
        validateInput: (v) => (NAME.test(v) ? undefined : 'A letter, then letters, digits and underscores (at most 128)'),
      }));
    if (!model) return undefined;
    const existing = await registry.listModels();
    if (!existing.some((m) => m.name === model)) await registry.createModel(model);
    const taken = new Set((await registry.listVersions(model)).map((v) => v.name));
    let n = taken.size + 1;
    while (taken.has(`v${n}`)) n++;
    const version = await registry.createVersion(model, `v${n}`, modelDir);
    log.info(`Registered ${modelDir} as ${model}/${version.name} (${version.framework}${version.isDefault ? ', default' : ''})`);
    modelsTree.refresh();
    void vscode.window.showInformationMessage(`Model Lab: registered as ${model} ${version.name}${version.isDefault ? ' (default)' : ''}.`);
    return { model, version: version.name };
  }

  async function testRequest(endpoint: Endpoint, openAs: 'document' | 'none' = 'document') {
    const token = await endpoints.tokenFor(endpoint);
    let sample = sampleInstancesFromFolder(endpoint.modelDir);
    if (!sample) {
      const metadata = await getMetadata(endpoint.url, endpoint.model, token);
      const instances = metadata.status === 200 ? instancesFromSignatureDef(metadata.body) : undefined;
      if (!instances) throw new Error(`${endpoint.url}: the signature does not say enough to build an instance; add an instances.json to ${endpoint.modelDir}`);
      sample = { instances, source: 'the endpoint signature' };
    }
    const answer = await postPredict(endpoint.url, endpoint.model, sample.instances, token);
    const shown = {
      request: { method: 'POST', url: predictUrl(endpoint.url, endpoint.model), body: { instances: sample.instances }, instancesFrom: sample.source },
      response: { status: answer.status, body: answer.body },
      curl: curlSnippet(endpoint.url, endpoint.model, sample.instances, endpoint.tokenRequired),
    };
    if (openAs === 'document') await openJson(shown);
    return shown;
  }

  async function batchPredict(arg: unknown) {
    const given = (typeof arg === 'object' && arg !== null ? arg : {}) as { inputs?: unknown; outputDir?: unknown };
    const modelDir = folderFromArg(arg) ?? (await pickModelFolder(index, 'Batch Predict'));
    if (!modelDir) return undefined;
    let inputs = Array.isArray(given.inputs) ? given.inputs.map(String) : undefined;
    if (!inputs) {
      const how = await vscode.window.showQuickPick([{ label: '$(files) Choose input files…', glob: false }, { label: '$(regex) Enter a glob…', glob: true }], {
        title: 'Batch Predict: instances (JSON Lines or CSV, .gz allowed)',
      });
      if (!how) return undefined;
      if (how.glob) {
        const glob = await vscode.window.showInputBox({ title: 'Input glob', prompt: 'Relative to the workspace folder, e.g. data/*.jsonl', value: '**/*.jsonl' });
        inputs = glob ? [glob] : undefined;
      } else {
        inputs = (await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Predict these', filters: { Instances: ['jsonl', 'json', 'csv', 'gz'], 'All files': ['*'] } }))?.map((u) => u.fsPath);
      }
      if (!inputs?.length) return undefined;
    }
    const workspace = workspaceFor(modelDir);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
    const outputDir =
      typeof given.outputDir === 'string'
        ? given.outputDir
        : await vscode.window.showInputBox({
            title: 'Batch Predict: output folder',
            prompt: 'prediction.results-* and prediction.errors_stats-* go here; an unfinished job in it is resumed',
            value: join(workspace, '.modellab', 'batch', `${modelNameFor(modelDir)}-${stamp}`),
          });
    if (!outputDir) return undefined;
    const launch = nodeLaunch();
    log.info(`Batch Predict ${modelDir}: ${inputs.join(', ')} → ${outputDir} with ${launch.description}`);
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Lab: Batch Predict with ${vscode.workspace.asRelativePath(modelDir)}`, cancellable: true },
      (progress, cancel) => {
        const job = startBatchPredict(
          { execPath: launch.execPath, env: launch.env, cli: runtimePaths(context.extensionPath).cli, cwd: workspace },
          { modelDir, inputs: inputs!, outputDir },
          { onProgress: (p) => progress.report({ message: `${p.predicted.toLocaleString('en-US')} predicted, ${p.failed.toLocaleString('en-US')} failed` }), onOutput: (line) => log.debug(`[batch] ${line}`) },
        );
        cancel.onCancellationRequested(() => job.cancel());
        return job.done;
      },
    );
    const text =
      summary.status === 'cancelled'
        ? `Batch Predict stopped after ${summary.predicted} predictions (${summary.failed} failed); run it again on ${summary.outputDir} to resume.`
        : `Batch Predict ${summary.status === 'already-complete' ? 'was already complete' : 'finished'}: ${summary.predicted} predictions, ${summary.failed} failed, in ${summary.elapsedSeconds.toFixed(1)} s.`;
    void vscode.window.showInformationMessage(`Model Lab: ${text}`, 'Open Output').then((choice) => {
      if (choice !== 'Open Output') return;
      const first = summary.files.find((f) => /prediction\.results-/.test(f)) ?? summary.files[0];
      const file = first && !first.startsWith('/') ? join(summary.outputDir, first) : first;
      if (file && existsSync(file)) void vscode.window.showTextDocument(vscode.Uri.file(file));
      else void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(summary.outputDir));
    });
    return summary;
  }

  async function showInfo(modelDir: string) {
    const markdown = modelInfoMarkdown(modelDir);
    // A file in global storage (not an untitled document) so the built-in Markdown preview renders it.
    const dir = join(context.globalStorageUri.fsPath, 'model-info');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${modelNameFor(modelDir)}-${Buffer.from(dirname(modelDir)).toString('base64url').slice(-12)}.md`);
    writeFileSync(file, markdown);
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
    return markdown;
  }

  const predict = new PredictCommands(services, index, endpoints);
  const versionOf = (node: unknown) => (node as ModelsNode | undefined)?.kind === 'version' ? (node as Extract<ModelsNode, { kind: 'version' }>) : undefined;

  context.subscriptions.push(
    index,
    endpoints,
    modelsTree,
    endpointsTree,
    vscode.window.createTreeView('modelLab.models', { treeDataProvider: modelsTree, showCollapseAll: true }),
    vscode.window.createTreeView('modelLab.endpoints', { treeDataProvider: endpointsTree }),
    ...predict.register(),
    vscode.commands.registerCommand('modelLab.serveModelFolder', (arg?: unknown) =>
      guarded('Serve Model Folder', true, async () => {
        const modelDir = folderFromArg(arg) ?? (await pickModelFolder(index, 'Serve Model Folder'));
        return modelDir ? serve(modelDir) : undefined;
      }),
    ),
    vscode.commands.registerCommand('modelLab.stopEndpoint', (arg?: unknown) =>
      guarded('Stop Endpoint', false, async () => {
        const endpoint = endpointFromArg(arg, endpoints) ?? (await pickEndpoint(endpoints, 'Stop Endpoint'));
        if (!endpoint) return undefined;
        await endpoints.stop(endpoint.id);
        return endpoint;
      }),
    ),
    vscode.commands.registerCommand('modelLab.copyEndpointUrl', (arg?: unknown) =>
      guarded('Copy Endpoint URL', false, async () => {
        const endpoint = endpointFromArg(arg, endpoints) ?? (await pickEndpoint(endpoints, 'Copy Endpoint URL'));
        if (!endpoint) return undefined;
        const url = predictUrl(endpoint.url, endpoint.model);
        await vscode.env.clipboard.writeText(url);
        void vscode.window.showInformationMessage(`Model Lab: copied ${url}`);
        return url;
      }),
    ),
    vscode.commands.registerCommand('modelLab.openTestRequest', (arg?: unknown) =>
      guarded('Open a Test Request', false, async () => {
        const endpoint = endpointFromArg(arg, endpoints) ?? (await pickEndpoint(endpoints, 'Open a Test Request'));
        return endpoint ? testRequest(endpoint) : undefined;
      }),
    ),
    vscode.commands.registerCommand('modelLab.batchPredict', (arg?: unknown) => guarded('Batch Predict', true, () => batchPredict(arg))),
    vscode.commands.registerCommand('modelLab.registerModelVersion', (arg?: unknown) =>
      guarded('Register as Model Version', false, async () => {
        const modelDir = folderFromArg(arg) ?? (await pickModelFolder(index, 'Register as Model Version'));
        const model = (arg as { model?: unknown } | undefined)?.model;
        return modelDir ? register(modelDir, typeof model === 'string' ? model : undefined) : undefined;
      }),
    ),
    vscode.commands.registerCommand('modelLab.showModelInfo', (arg?: unknown) =>
      guarded('Show Model Info', false, async () => {
        const modelDir = folderFromArg(arg) ?? (await pickModelFolder(index, 'Show Model Info'));
        return modelDir ? showInfo(modelDir) : undefined;
      }),
    ),
    vscode.commands.registerCommand('modelLab.refreshModels', () => {
      modelsTree.refresh();
      void index.refresh();
    }),
    vscode.commands.registerCommand('modelLab.serveModelVersion', (node?: unknown) =>
      guarded('Serve Version', true, async () => {
        const v = versionOf(node);
        if (!v) throw new Error('choose a version in the Models view');
        return serve(v.version.modelDir, v.version.model);
      }),
    ),
    vscode.commands.registerCommand('modelLab.setDefaultVersion', (node?: unknown) =>
      guarded('Set as Default Version', false, async () => {
        const v = versionOf(node);
        if (!v) throw new Error('choose a version in the Models view');
        await new ModelRegistry(v.workspace).setDefaultVersion(v.version.model, v.version.name);
        modelsTree.refresh();
        return v.version.name;
      }),
    ),
  );

  return {
    serveFolder: async (modelDir) => {
      const endpoint = await guarded('Serve Model Folder', true, () => serve(modelDir));
      return endpoint && { url: endpoint.url };
    },
    registerFolder: (modelDir) => guarded('Register as Model Version', false, () => register(modelDir)),
  };
}
