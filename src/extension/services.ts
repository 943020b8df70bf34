/**
 * What the extension's parts share, created once in `activate` and handed to each part's `register*`.
 * Parts talk to each other only through these interfaces, so each folder can change on its own.
 */
import type * as vscode from 'vscode';
import type { PanelTarget } from '../protocol/webviewProtocol';
import type { JobTracker } from './jobs/jobTracker';
import type { RuntimeHost } from './runtimeHost/runtimeHost';
import type { PanelManager } from './panels/panelManager';
import type { RunsTreeProvider } from './views/runsTree';

/** Opens (or reveals) the experiment panel of a run or a study. */
export interface PanelOpener {
  open(target: PanelTarget): Promise<void>;
}

/** Model-folder actions other parts offer (the study panel's "serve / register the best trial"). */
export interface ModelActions {
  /** Serves a model folder on a local endpoint; undefined when the user cancelled. */
  serveFolder(modelDir: string): Promise<{ url: string } | undefined>;
  /** Registers a model folder as a new version of a registry model (asks for the model's name). */
  registerFolder(modelDir: string): Promise<{ model: string; version: string } | undefined>;
}

export interface ExtensionServices {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  runtime: RuntimeHost;
  jobs: JobTracker;
  panels: PanelOpener;
  models: ModelActions;
  /** The Runs & Studies tree's data provider (set by registerExperimentViews; tests list runs through it). */
  runsTree?: RunsTreeProvider;
  /** The open experiment panels (set by registerExperimentViews; tests inspect them). */
  experimentPanels?: PanelManager;
  /** Model folders and local endpoints (set by registerModelCommands; tests read it). */
  serving?: ServingState;
}

/** What the models part knows, for other parts and for tests. */
export interface ServingState {
  /** The recognised model folders (fsPaths): the value of the `modelLab.modelFolders` context key. */
  modelFolders(): readonly string[];
  /** Rescans the workspace and updates the context key. */
  refreshModelFolders(): Promise<readonly string[]>;
  /** The running local endpoints. */
  endpoints(): readonly { id: string; url: string; model: string; modelDir: string; framework: string; pid: number }[];
  /** What the Models or Endpoints view shows, depth first (labels, descriptions, contextValues). */
  viewItems(view: 'modelLab.models' | 'modelLab.endpoints'): Promise<{ label: string; description?: string; contextValue?: string; depth: number }[]>;
}

/**
 * The argument of run/study commands (Stop, Resume Study, Open Panel, Reveal Folder, Delete) when they
 * come from a tree item or a panel; from the palette they get none and ask.
 */
export interface JobRef {
  kind: 'run' | 'study';
  /** runId or studyId. */
  id: string;
  /** The folder that holds `.modellab/`. */
  workspace: string;
  /** The run's or study's folder. */
  dir: string;
}
