/** A tree view's items, depth first, as plain data: what the view shows, for tests and diagnostics. */
import * as vscode from 'vscode';

export interface ViewItem {
  label: string;
  description?: string;
  contextValue?: string;
  depth: number;
}

export async function viewItems<T>(provider: vscode.TreeDataProvider<T>, parent?: T, depth = 0): Promise<ViewItem[]> {
  const out: ViewItem[] = [];
  for (const element of (await provider.getChildren(parent)) ?? []) {
    const item = await provider.getTreeItem(element);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    out.push({ label, description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue, depth });
    if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None && item.collapsibleState !== undefined) out.push(...(await viewItems(provider, element, depth + 1)));
  }
  return out;
}
