/**
 * The extension host's entry. It only wires the parts together: each folder registers its own commands
 * and views (runtimeHost/ + commands/jobCommands: the runtime child and jobs; commands/modelCommands: model
 * folders, registry, endpoints; panels/: experiment panels and the Runs & Studies tree; editor/: job
 * spec editing). Activation stays cheap: nothing here loads TensorFlow.js, and the runtime child starts
 * on first use.
 */
import * as vscode from 'vscode';
import { registerJobCommands } from './commands/jobCommands';
import { registerModelCommands } from './commands/modelCommands';
import { registerEditorFeatures } from './editor/registerEditorFeatures';
import { JobTracker } from './jobs/jobTracker';
import { registerExperimentViews } from './panels/registerExperimentViews';
import { RuntimeHost } from './runtimeHost/runtimeHost';
import type { ExtensionServices, ModelActions, PanelOpener } from './services';
import { registerStatusBar } from './statusBar';

/** What tests (and other extensions) can reach: the shared services. */
export interface ModelLabApi {
  services: ExtensionServices;
  /** Milliseconds `activate` took (bench/extension reads it). */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): ModelLabApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Model Lab', { log: true });
  const runtime = new RuntimeHost(context, log);
  const jobs = new JobTracker();
  context.subscriptions.push(log, runtime, jobs, vscode.commands.registerCommand('modelLab.showRuntimeLog', () => log.show()));

  // Panels and model actions refer to each other (a study panel serves its best trial); late binding
  // through these two forwarding objects keeps registration order simple.
  const late: { panels?: PanelOpener; models?: ModelActions } = {};
  const services: ExtensionServices = {
    context,
    log,
    runtime,
    jobs,
    panels: { open: (target) => (late.panels ? late.panels.open(target) : Promise.resolve()) },
    models: {
      serveFolder: (dir) => (late.models ? late.models.serveFolder(dir) : Promise.resolve(undefined)),
      registerFolder: (dir) => (late.models ? late.models.registerFolder(dir) : Promise.resolve(undefined)),
    },
  };
  late.models = registerModelCommands(services);
  late.panels = registerExperimentViews(services);
  registerJobCommands(services);
  registerEditorFeatures(services);
  registerStatusBar(services);

  const activationMs = performance.now() - started;
  log.info(`Model Lab activated in ${activationMs.toFixed(1)} ms`);
  return { services, activationMs };
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the runtime child and every endpoint (no orphans).
}
