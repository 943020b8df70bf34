/**
 * The one "Model Lab" diagnostic collection for job specs: filled by the editor as a spec is typed, and
 * by Train/Tune/Validate when the runtime rejects a spec (a file that is not open included), so the same
 * problem never shows twice.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SpecProblem } from '../../runtime/spec/specError';
import type { ExtensionServices } from '../services';
import { problemRanges } from './problemRanges';

const collections = new WeakMap<ExtensionServices, vscode.DiagnosticCollection>();

export function specDiagnostics(services: ExtensionServices): vscode.DiagnosticCollection {
  let collection = collections.get(services);
  if (!collection) {
    collection = vscode.languages.createDiagnosticCollection('modelLab');
    collections.set(services, collection);
    services.context.subscriptions.push(collection);
  }
  return collection;
}

/** Shows `problems` (all of one file or several) in the Problems view; `text` is the file's, when at hand. */
export function showSpecProblems(services: ExtensionServices, uri: vscode.Uri, problems: readonly SpecProblem[], text?: string): void {
  const collection = specDiagnostics(services);
  const byFile = new Map<string, SpecProblem[]>();
  for (const p of problems) {
    const file = p.file || uri.fsPath;
    byFile.set(file, [...(byFile.get(file) ?? []), p]);
  }
  if (!byFile.has(uri.fsPath)) collection.set(uri, []);
  for (const [file, list] of byFile) {
    const fileUri = file === uri.fsPath ? uri : vscode.Uri.file(file);
    collection.set(fileUri, toDiagnostics(list, file === uri.fsPath && text !== undefined ? text : readText(fileUri)));
  }
}

export function toDiagnostics(problems: readonly SpecProblem[], text: string): vscode.Diagnostic[] {
  return problemRanges(problems, text).map((r) => {
    const d = new vscode.Diagnostic(new vscode.Range(r.line, r.character, r.endLine, r.endCharacter), r.message, vscode.DiagnosticSeverity.Error);
    d.source = 'Model Lab';
    if (r.path) d.code = r.path;
    return d;
  });
}

function readText(uri: vscode.Uri): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return readFileSync(uri.fsPath, 'utf8');
  } catch {
    return '';
  }
}
