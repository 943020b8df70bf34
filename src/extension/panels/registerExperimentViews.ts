/**
 * The experiment views: panels (one per run or study, restored after a reload by the serializer) and
 * the Runs & Studies tree with its commands. Returns the PanelOpener other parts use (a job starting
 * opens its panel; a model's lineage opens its run).
 */
import * as vscode from 'vscode';
import { EXPERIMENT_PANEL_VIEW_TYPE } from '../../protocol/webviewProtocol';
import type { ExtensionServices, PanelOpener } from '../services';
import { registerRunsCommands } from '../views/runsCommands';
import { RunsTreeProvider } from '../views/runsTree';
import { PanelManager } from './panelManager';

export function registerExperimentViews(services: Omit<ExtensionServices, 'panels'>): PanelOpener {
  const panels = new PanelManager(services);
  const tree = new RunsTreeProvider(services);
  services.runsTree = tree;
  services.experimentPanels = panels;
  tree.view = vscode.window.createTreeView('modelLab.runs', { treeDataProvider: tree, showCollapseAll: true });
  services.context.subscriptions.push(
    panels,
    tree,
    tree.view,
    vscode.window.registerWebviewPanelSerializer(EXPERIMENT_PANEL_VIEW_TYPE, panels),
    ...registerRunsCommands(services, panels, tree),
  );
  return panels;
}
