/**
 * Which job spec a command works on, and where its runs go. A command gets a spec Uri from CodeLens,
 * the Explorer or the editor title; from the palette it takes the active editor's spec, else asks.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { isJobSpecPath, SPEC_GLOB } from '../editor/specFiles';

/** The spec to work on: `arg` if it is a Uri, else the active editor's spec, else one the user picks. */
export async function resolveSpec(arg: unknown, action: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isJobSpecPath(active.path)) return active;
  const found = await vscode.workspace.findFiles(SPEC_GLOB, '**/{node_modules,.modellab}/**', 200);
  if (found.length === 0) {
    void vscode.window.showWarningMessage(`Model Lab: no job spec (modellab.yaml or *.modellab.yaml) in this workspace to ${action.toLowerCase()}.`, 'New Job').then((c) => {
      if (c) void vscode.commands.executeCommand('modelLab.newJob');
    });
    return undefined;
  }
  if (found.length === 1) return found[0];
  const picked = await vscode.window.showQuickPick(
    Promise.all(found
      .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
      .map(async (uri) => ({ label: vscode.workspace.asRelativePath(uri), description: await specName(uri), uri })),
    ),
    { title: `Model Lab: ${action}`, placeHolder: 'Job spec' },
  );
  return picked?.uri;
}

/** Saves the spec's editor first, so the runtime reads what the user sees. */
export async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
}

/** The folder that holds `.modellab/`: the workspace folder of the spec, else the spec's own folder. */
export function workspaceFor(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}

/** The spec's `name`, for labels and run ids; the file name when it cannot be read. */
export async function specName(uri: vscode.Uri): Promise<string> {
  try {
    // yaml loads on first use (a bundle of its own), not at activation.
    const { parse: parseYaml } = await import('yaml');
    const name = (parseYaml(readFileSync(uri.fsPath, 'utf8')) as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name.trim()) return name.trim();
  } catch {
    // An unreadable or invalid spec still gets a label; the runtime reports what is wrong with it.
  }
  return basename(uri.fsPath).replace(/(^|\.)modellab\.ya?ml$/i, '') || basename(dirname(uri.fsPath));
}
