/**
 * Editing job specs (`modellab.yaml`, `*.modellab.yaml`) without any other extension: diagnostics from
 * the validator the runtime uses (as the text changes, debounced; cleared on close), completion of
 * property names and enum values from the JSON Schema at the cursor's YAML path, and CodeLens above
 * the file (▶ Train · ⚙ Tune · ✓ Validate). The validator and the schema load on first use, not at
 * activation.
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { specDiagnostics, toDiagnostics } from './specDiagnostics';
import { SPEC_PATTERN, isJobSpecPath } from './specFiles';

/** Long enough that typing a word validates once, short enough to feel live. */
const DEBOUNCE_MS = 300;

export const SPEC_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: SPEC_PATTERN },
  { scheme: 'untitled', pattern: SPEC_PATTERN },
];

export function registerEditorFeatures(services: ExtensionServices): void {
  const { context } = services;
  const diagnostics = specDiagnostics(services);
  const pending = new Map<string, NodeJS.Timeout>();

  const validate = async (document: vscode.TextDocument) => {
    if (!isSpecDocument(document)) return;
    const version = document.version;
    const { validateSpecText } = await import('./specProblems.js');
    const text = document.getText();
    const problems = validateSpecText(text, document.uri.fsPath).filter((p) => !p.file || p.file === document.uri.fsPath);
    // A newer edit has its own validation queued: do not overwrite its result with this stale one.
    if (document.isClosed || document.version !== version) return;
    diagnostics.set(document.uri, toDiagnostics(problems, text));
  };
  const schedule = (document: vscode.TextDocument) => {
    if (!isSpecDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        validate(document).catch((err: unknown) => services.log.error(`Validating ${document.uri.fsPath} failed: ${String(err)}`));
      }, DEBOUNCE_MS),
    );
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(pending.get(document.uri.toString()));
      pending.delete(document.uri.toString());
      if (isSpecDocument(document)) diagnostics.delete(document.uri);
    }),
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, new SpecCodeLensProvider()),
    vscode.languages.registerCompletionItemProvider(SPEC_SELECTOR, new SpecCompletionProvider(), ':', ' '),
    { dispose: () => pending.forEach((timer) => clearTimeout(timer)) },
  );
  for (const document of vscode.workspace.textDocuments) schedule(document);
}

function isSpecDocument(document: vscode.TextDocument): boolean {
  return (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') && isJobSpecPath(document.uri.path);
}

/** ▶ Train · ⚙ Tune (only when the spec has `hyperparameters`) · ✓ Validate, above the first line. */
export class SpecCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [new vscode.CodeLens(top, { title: '▶ Train', command: 'modelLab.train', arguments: [document.uri], tooltip: 'Train this job spec' })];
    if (/^hyperparameters\s*:/m.test(document.getText())) {
      lenses.push(new vscode.CodeLens(top, { title: '⚙ Tune', command: 'modelLab.tune', arguments: [document.uri], tooltip: 'Run a HyperTune study over its hyperparameters' }));
    }
    lenses.push(new vscode.CodeLens(top, { title: '✓ Validate', command: 'modelLab.validate', arguments: [document.uri], tooltip: 'Check the spec as the runtime would' }));
    return lenses;
  }
}

class SpecCompletionProvider implements vscode.CompletionItemProvider {
  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const [{ completionsAt }, { jobSpecSchema }] = await Promise.all([import('./schemaCompletion.js'), import('../../runtime/spec/schemaValidation.js')]);
    const items = completionsAt(jobSpecSchema as Record<string, unknown>, document.getText(), document.offsetAt(position));
    return items.map((c, i) => {
      const item = new vscode.CompletionItem(c.label, c.kind === 'property' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
      item.insertText = c.insertText;
      item.range = new vscode.Range(document.positionAt(c.replace.start), document.positionAt(c.replace.end));
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      if (c.required) item.detail = 'required';
      // Keep the schema's order (required first) rather than VS Code's alphabetical one.
      item.sortText = String(i).padStart(4, '0');
      return item;
    });
  }
}
