/**
 * The status bar item: the backend and device the runtime uses (from the last run's result or the
 * machine report) and how many runs and studies are in progress. Click: Open Experiments.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from './services';

export function registerStatusBar(services: ExtensionServices): vscode.StatusBarItem {
  const { runtime, jobs } = services;
  const item = vscode.window.createStatusBarItem('modelLab.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Model Lab';
  item.command = 'modelLab.openExperiments';
  const update = () => {
    const running = jobs.running();
    const state = runtime.state;
    const backend = state.backend?.name ?? (vscode.workspace.getConfiguration('modelLab').get<string>('backend') || 'auto');
    const icon = running.length > 0 ? '$(sync~spin)' : state.status === 'crashed' ? '$(warning)' : '$(beaker)';
    item.text = `${icon} ${backend}${running.length > 0 ? ` · ${running.length} running` : ''}`;
    const lines = [
      `**Model Lab**`,
      `Backend: ${state.backend ? `${state.backend.name} — ${state.backend.device}` : `${backend} (not used yet in this window)`}`,
      `Runtime: ${state.status}${state.pid ? ` (pid ${state.pid})` : ''}${state.node ? `, ${state.node}` : ''}`,
      running.length > 0 ? `Running: ${running.map((j) => `${j.kind} ${j.label}`).join(', ')}` : 'Nothing running',
      'Click to open the experiments view',
    ];
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.backgroundColor = state.status === 'crashed' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  };
  update();
  item.show();
  services.context.subscriptions.push(
    item,
    runtime.onDidChangeState(update),
    jobs.onDidChange(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('modelLab.backend')) update();
    }),
  );
  return item;
}
