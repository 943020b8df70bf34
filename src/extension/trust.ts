/**
 * Workspace trust. Training, tuning, serving and prediction run user code (trainer modules, Python
 * packages, pickled models), so their commands refuse in an untrusted workspace and say why; viewing
 * runs, studies and models stays available. package.json's `enablement` greys them out in menus, but
 * `executeCommand` ignores enablement, so every such handler also calls `requireTrust`.
 */
import * as vscode from 'vscode';

/** True when the workspace is trusted; otherwise shows why `action` is unavailable and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `Model Lab: ${action} runs code from this workspace (trainer modules, Python packages, pickled models), so it is disabled until you trust the workspace. Viewing runs, studies and models still works.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
