/**
 * The context key `modelLab.modelFolders`: the fsPaths of the workspace's model folders, which the
 * Explorer's "Model Lab" submenu tests with `resourcePath in modelLab.modelFolders`. Filled by one
 * scan at start, kept current by file watchers (model files changed; model files or folders created or
 * deleted); bursts of events (a training run writing its bundle, a registry copy) are debounced into
 * one rescan.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXCLUDE_PATTERN, MODEL_FILE_PATTERN, mayChangeModelFolders, modelFoldersAmong } from './modelFolderScan';

export const MODEL_FOLDERS_KEY = 'modelLab.modelFolders';
const DEBOUNCE_MS = 300;
const MAX_CANDIDATES = 5000;

export class ModelFolderIndex implements vscode.Disposable {
  private current: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<string[]> | undefined;
  private again = false;
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Fires after each rescan that changed the list. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    // Contents: a model.json rewritten (TensorFlow.js ↔ XGBoost) changes what the folder is.
    const contents = vscode.workspace.createFileSystemWatcher(MODEL_FILE_PATTERN, true, false, true);
    // Creations and deletions anywhere: a folder copied or deleted with its files arrives as one event
    // for the folder, which a model-file glob would not match.
    const tree = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const schedule = () => this.schedule();
    this.disposables.push(
      contents,
      tree,
      this.changed,
      contents.onDidChange(schedule),
      tree.onDidCreate((uri) => {
        if (uri.scheme === 'file' && mayChangeModelFolders(uri.fsPath, { kind: 'created', isFolder: statSync(uri.fsPath, { throwIfNoEntry: false })?.isDirectory() === true }, this.current)) schedule();
      }),
      tree.onDidDelete((uri) => {
        if (uri.scheme === 'file' && mayChangeModelFolders(uri.fsPath, { kind: 'deleted' }, this.current)) schedule();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(schedule),
    );
    void this.refresh();
  }

  /** The model folders found by the last scan. */
  folders(): readonly string[] {
    return this.current;
  }

  /** Rescans now (deduplicated with a scan in progress) and updates the context key. */
  refresh(): Promise<string[]> {
    if (this.scanning) {
      // Files changed while a scan ran: it may have missed them, so one more follows.
      this.again = true;
      return this.scanning;
    }
    this.scanning = this.scan().finally(() => {
      this.scanning = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
    return this.scanning;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  private async scan(): Promise<string[]> {
    try {
      const files = await vscode.workspace.findFiles(MODEL_FILE_PATTERN, EXCLUDE_PATTERN, MAX_CANDIDATES);
      const folders = modelFoldersAmong(files.filter((u) => u.scheme === 'file').map((u) => u.fsPath));
      const same = folders.length === this.current.length && folders.every((f, i) => f === this.current[i]);
      this.current = folders;
      await vscode.commands.executeCommand('setContext', MODEL_FOLDERS_KEY, folders);
      if (!same) this.changed.fire(folders);
    } catch (err) {
      this.log.warn(`Model folder scan failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.current;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
