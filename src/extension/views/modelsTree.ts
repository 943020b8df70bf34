/**
 * The Models view: the registry of each workspace folder (.modellab/models) → its models → their
 * versions, the default marked (contextValue 'version-default', others 'version' for Set as Default).
 * Reads the registry files directly (registry.ts is plain fs), refreshed by a watcher on them.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { ModelRegistry, type ModelRecord, type VersionInfo } from '../../runtime/serving/registry';

export type ModelsNode =
  | { kind: 'workspace'; workspace: string }
  | { kind: 'model'; workspace: string; model: ModelRecord }
  | { kind: 'version'; workspace: string; version: VersionInfo };

export class ModelsTree implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  // Everything under the registry: a version arrives by renaming its staged folder into place, which the
  // watcher reports as one event for the folder, not for its version.json.
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/.modellab/models/**');
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const schedule = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), 200);
    };
    this.watcher.onDidCreate(schedule);
    this.watcher.onDidChange(schedule);
    this.watcher.onDidDelete(schedule);
  }

  refresh(): void {
    this.changed.fire();
  }

  private workspaces(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    try {
      if (!node) {
        const workspaces = this.workspaces();
        // One workspace folder: its models at the top; several: a level per folder.
        if (workspaces.length === 1) return this.modelsOf(workspaces[0]);
        return workspaces.map((workspace) => ({ kind: 'workspace', workspace }));
      }
      if (node.kind === 'workspace') return this.modelsOf(node.workspace);
      if (node.kind === 'model') {
        const versions = await new ModelRegistry(node.workspace).listVersions(node.model.name);
        return versions.map((version) => ({ kind: 'version', workspace: node.workspace, version }));
      }
    } catch (err) {
      this.log.warn(`Models view: ${err instanceof Error ? err.message : String(err)}`);
    }
    return [];
  }

  private async modelsOf(workspace: string): Promise<ModelsNode[]> {
    const models = await new ModelRegistry(workspace).listModels();
    return models.map((model) => ({ kind: 'model', workspace, model }));
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.kind === 'workspace') {
      const item = new vscode.TreeItem(basename(node.workspace), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.tooltip = node.workspace;
      return item;
    }
    if (node.kind === 'model') {
      const item = new vscode.TreeItem(node.model.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `model:${node.workspace}:${node.model.name}`;
      item.description = node.model.defaultVersion ? `default ${node.model.defaultVersion}` : 'no default version';
      item.tooltip = node.model.description || undefined;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = 'model';
      return item;
    }
    const v = node.version;
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.None);
    item.id = `version:${node.workspace}:${v.model}:${v.name}`;
    item.description = `${v.framework}${v.isDefault ? ' · default' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      [`**${v.model} / ${v.name}**${v.isDefault ? ' (default)' : ''}`, `${v.framework}, ${v.state}, created ${v.createTime}`, `From \`${v.origin}\`${v.link ? ' (linked)' : ''}`, v.description ?? '']
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(v.isDefault ? 'star-full' : 'versions');
    item.contextValue = v.isDefault ? 'version-default' : 'version';
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher.dispose();
    this.changed.dispose();
  }
}
