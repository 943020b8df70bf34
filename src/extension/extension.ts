// The VS Code side. The full extension (commands, trees, panels) is its own issue; this entry point
// only proves the bundle and the layering: it must activate fast and never load TensorFlow.js.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Model Lab', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('modelLab.showRuntimeLog', () => log.show()),
  );
}

export function deactivate(): void {}
