/**
 * The host's answers to a panel's requests (`PanelRequests` in the webview protocol): curves, stop
 * actions, folder reveal, register/serve a run's model, and saving an export. Stop actions go to this
 * window's runtime only when it runs the job; a job running elsewhere (the CLI) gets a clear refusal.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelRequestName, PanelRequests, PanelTarget } from '../../protocol/webviewProtocol';
import { MODEL_DIR } from '../../runtime/runs/runRecord';
import type { ExtensionServices } from '../services';
import type { RunSource } from './runSource';
import { RUN_ID, type StudySource } from './studySource';
import { readRunPoints } from './runFiles';

export type PanelSource = { kind: 'study'; source: StudySource } | { kind: 'run'; source: RunSource };

type Handler<N extends PanelRequestName> = (params: PanelRequests[N]['params']) => Promise<PanelRequests[N]['result']>;
export type RequestHandlers = { [N in PanelRequestName]: Handler<N> };

export function requestHandlers(services: Omit<ExtensionServices, 'panels'>, target: PanelTarget, data: PanelSource): RequestHandlers {
  const runDir = (runId: string): string => {
    if (data.kind === 'run' && runId === data.source.runId) return data.source.runDir;
    if (!RUN_ID.test(runId)) throw new Error(`invalid run id '${runId}'`);
    return data.kind === 'study' ? data.source.runDir(runId) : join(target.workspace, '.modellab', 'runs', runId);
  };
  const modelDir = (runId: string): string => {
    const bundle = data.kind === 'run' && runId === data.source.runId ? data.source.runHeader.bundleDir : undefined;
    const dir = bundle ?? join(runDir(runId), MODEL_DIR);
    if (!existsSync(dir)) throw new Error(`run ${runId} has no model folder (it wrote no bundle)`);
    return dir;
  };
  const notLive = (what: string) => new Error(`${what} is not running in this window (it was started elsewhere, e.g. from the CLI): stop it there`);

  return {
    curves: async ({ runIds }) => {
      if (data.kind === 'study') return data.source.curves(runIds);
      return Promise.all(runIds.map(async (runId) => ({ runId, points: await readRunPoints(runDir(runId)) })));
    },
    stopTrial: async ({ trialId }) => {
      if (data.kind !== 'study') throw new Error('stopTrial is a study panel request');
      if (!services.jobs.isLive('study', data.source.studyId)) throw notLive(`study ${data.source.studyId}`);
      return { stopped: await (await services.runtime.client()).stopTrial(data.source.studyId, trialId) };
    },
    stopStudy: async () => {
      if (data.kind !== 'study') throw new Error('stopStudy is a study panel request');
      if (!services.jobs.isLive('study', data.source.studyId)) throw notLive(`study ${data.source.studyId}`);
      return { stopped: await (await services.runtime.client()).stopStudy(data.source.studyId) };
    },
    stopRun: async () => {
      if (data.kind !== 'run') throw new Error('stopRun is a run panel request');
      if (!services.jobs.isLive('run', data.source.runId)) throw notLive(`run ${data.source.runId}`);
      return { stopped: await (await services.runtime.client()).cancel(data.source.runId) };
    },
    openRunFolder: async ({ runId }) => {
      const dir = runDir(runId);
      if (!existsSync(dir)) throw new Error(`run ${runId} has no folder (yet)`);
      await revealFolder(vscode.Uri.file(dir));
      return { opened: true };
    },
    registerModel: async ({ runId }) => {
      const registered = await services.models.registerFolder(modelDir(runId));
      return registered ? { model: registered.model, version: registered.version } : {};
    },
    serveModel: async ({ runId }) => {
      const served = await services.models.serveFolder(modelDir(runId));
      return served ? { url: served.url } : {};
    },
    saveExport: async ({ suggestedName, data: content, encoding }) => {
      // The name comes from the webview: keep only its file name, so it cannot point anywhere else.
      const name = basename(suggestedName.replace(/\\/g, '/')) || 'export';
      const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(target.workspace, name)), saveLabel: 'Save' });
      if (!uri) return { saved: false };
      await vscode.workspace.fs.writeFile(uri, Buffer.from(content, encoding));
      return { saved: true, path: uri.fsPath };
    },
  };
}

/** Reveals a folder in the Explorer when a workspace folder holds it, else in the OS file manager. */
export async function revealFolder(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
