/**
 * New Job: pick a template (an example the extension ships), pick where, and get a job spec with its
 * example data, opened in the editor with ▶ Train above it.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { freeFolder, listTemplates, scaffold } from './newJobTemplates';

/** `template` and `target` skip the questions (tests, automation). Returns the new spec's path. */
export async function newJob(services: ExtensionServices, templateName?: string, target?: vscode.Uri | string): Promise<string | undefined> {
  const { extensionPath } = services.context;
  const templates = listTemplates(join(extensionPath, 'examples'));
  if (templates.length === 0) {
    void vscode.window.showErrorMessage(`Model Lab: no job templates found in ${join(extensionPath, 'examples')} (is the extension installed completely?)`);
    return undefined;
  }
  let template = templateName ? templates.find((t) => t.name === templateName) : undefined;
  if (templateName && !template) throw new Error(`no template '${templateName}' (have: ${templates.map((t) => t.name).join(', ')})`);
  if (!template) {
    template = (
      await vscode.window.showQuickPick(
        templates.map((t) => ({ label: t.title, description: t.name, detail: t.description, template: t })),
        { title: 'Model Lab: New Job', placeHolder: 'Start from a template (a job spec and its example data)', matchOnDetail: true },
      )
    )?.template;
    if (!template) return undefined;
  }

  let parent = typeof target === 'string' ? target : target?.fsPath;
  if (!parent) {
    const chosen = await vscode.window.showOpenDialog({
      title: `Model Lab: where to create the ${template.name} job (a new folder '${template.name}' goes inside)`,
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Create Job Here',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    parent = chosen?.[0]?.fsPath;
    if (!parent) return undefined;
  }

  const folder = freeFolder(parent, template.name);
  const specs = scaffold(template, folder, join(extensionPath, 'schemas', 'modellab.schema.json'));
  services.log.info(`New job from template ${template.name} in ${folder}`);
  const spec = specs[0];
  await vscode.window.showTextDocument(vscode.Uri.file(spec));
  const inWorkspace = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder)) !== undefined;
  void vscode.window
    .showInformationMessage(`Model Lab: created ${folder}. Click ▶ Train above the spec to train it.`, ...(inWorkspace ? [] : ['Add Folder to Workspace']))
    .then((c) => {
      if (c) vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: vscode.Uri.file(folder) });
    });
  return spec;
}
