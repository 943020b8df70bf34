/**
 * The Endpoints view: the window's running local servers (URL, model, framework), each with Copy URL,
 * Open a Test Request and Stop (contextValue 'endpoint').
 */
import * as vscode from 'vscode';
import type { Endpoint, EndpointManager } from '../serving/endpointManager';

export class EndpointsTree implements vscode.TreeDataProvider<Endpoint> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly endpoints: EndpointManager) {
    endpoints.onDidChange(() => this.changed.fire());
  }

  getChildren(element?: Endpoint): Endpoint[] {
    return element ? [] : this.endpoints.list();
  }

  getTreeItem(e: Endpoint): vscode.TreeItem {
    const item = new vscode.TreeItem(e.model, vscode.TreeItemCollapsibleState.None);
    item.id = `endpoint-${e.id}`;
    item.description = `${e.url} · ${e.framework}`;
    item.tooltip = new vscode.MarkdownString(
      [`**${e.model}** (${e.framework})`, `URL: \`${e.url}\``, `Folder: \`${e.modelDir}\``, `pid ${e.pid}, since ${e.startedAt.toLocaleTimeString()}`, e.tokenRequired ? 'Bearer token required (kept in secret storage)' : '']
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon('server-process');
    item.contextValue = 'endpoint';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
