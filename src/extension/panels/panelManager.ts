/**
 * The open experiment panels: one per run or study (opening it again reveals it), and the serializer
 * that reopens them after a window reload from the target the webview saved with `setState`.
 */
import * as vscode from 'vscode';
import { EXPERIMENT_PANEL_VIEW_TYPE, type PanelState, type PanelTarget } from '../../protocol/webviewProtocol';
import type { ExtensionServices, PanelOpener } from '../services';
import { ExperimentPanel, panelKey, panelTitle } from './experimentPanel';

export class PanelManager implements PanelOpener, vscode.WebviewPanelSerializer<PanelState>, vscode.Disposable {
  private readonly panels = new Map<string, ExperimentPanel>();

  constructor(private readonly services: Omit<ExtensionServices, 'panels'>) {}

  async open(target: PanelTarget): Promise<void> {
    const existing = this.panels.get(panelKey(target));
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(EXPERIMENT_PANEL_VIEW_TYPE, panelTitle(target), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.services.context.extensionUri, 'dist')],
    });
    await this.attach(panel, target).whenStarted();
  }

  /** The open panel of a target (tests; Delete closes it). */
  get(target: PanelTarget): ExperimentPanel | undefined {
    return this.panels.get(panelKey(target));
  }

  /** Closes the panel of a target, if open (its run or study was deleted). */
  close(target: PanelTarget): void {
    this.panels.get(panelKey(target))?.dispose();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const target = state?.target;
    if (!isTarget(target)) {
      // Nothing to show (a state from an older version, or none): an empty panel would only confuse.
      panel.dispose();
      return;
    }
    const existing = this.panels.get(panelKey(target));
    if (existing) {
      panel.dispose();
      existing.reveal();
      return;
    }
    await this.attach(panel, target).whenStarted();
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }

  private attach(panel: vscode.WebviewPanel, target: PanelTarget): ExperimentPanel {
    const experiment = new ExperimentPanel(panel, target, this.services);
    const key = panelKey(target);
    this.panels.set(key, experiment);
    experiment.onDidClose(() => {
      if (this.panels.get(key) === experiment) this.panels.delete(key);
    });
    return experiment;
  }
}

/** The webview's saved state is data from the webview: check its shape before trusting it. */
function isTarget(value: unknown): value is PanelTarget {
  if (!value || typeof value !== 'object') return false;
  const t = value as Record<string, unknown>;
  if (typeof t.workspace !== 'string') return false;
  if (t.kind === 'study') return typeof t.studyId === 'string';
  return t.kind === 'run' && typeof t.runId === 'string' && typeof t.runDir === 'string';
}
