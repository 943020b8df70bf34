/**
 * What the model commands receive and ask for: a model folder from an Explorer Uri, `{modelDir}`, a
 * path or a Models-tree version; otherwise a pick among the recognised folders. Results open as
 * untitled JSON / Markdown documents.
 */
import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { Endpoint, EndpointManager } from './endpointManager';
import type { ModelFolderIndex } from './modelFolderContext';

/** The folder an argument names, or undefined when it names none (then the command asks). */
export function folderFromArg(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { modelDir?: unknown; fsPath?: unknown; version?: { modelDir?: unknown } };
    if (typeof o.modelDir === 'string') return o.modelDir;
    if (typeof o.version?.modelDir === 'string') return o.version.modelDir;
  }
  return undefined;
}

/** An Endpoints-tree item or `{id}`. */
export function endpointFromArg(arg: unknown, endpoints: EndpointManager): Endpoint | undefined {
  const id = typeof arg === 'object' && arg !== null ? (arg as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? endpoints.get(id) : undefined;
}

function describeFolder(dir: string): string {
  const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir));
  return ws ? relative(ws.uri.fsPath, dir) || ws.name : dir;
}

export async function pickModelFolder(index: ModelFolderIndex, title: string): Promise<string | undefined> {
  const folders = await index.refresh();
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(
      'Model Lab: no model folder in this workspace (a Model Lab bundle, ONNX, XGBoost, Keras .h5 or scikit-learn model). Train one, or open a folder that holds one.',
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    folders.map((dir) => ({ label: describeFolder(dir), detail: dir, dir })),
    { title, placeHolder: 'Model folder', matchOnDetail: true },
  );
  return pick?.dir;
}

export async function pickEndpoint(endpoints: EndpointManager, title: string): Promise<Endpoint | undefined> {
  const list = endpoints.list();
  if (list.length === 0) {
    void vscode.window.showInformationMessage('Model Lab: no local endpoint is running. Serve a model folder first (Explorer → Model Lab → Serve).');
    return undefined;
  }
  if (list.length === 1) return list[0];
  const pick = await vscode.window.showQuickPick(
    list.map((e) => ({ label: e.model, description: `${e.url} · ${e.framework}`, detail: e.modelDir, e })),
    { title },
  );
  return pick?.e;
}

export async function openJson(value: unknown): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(value, null, 2)}\n` });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
