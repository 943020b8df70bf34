/**
 * A failed Train/Tune/Resume request as the user should see it: an invalid spec names file:line and
 * lands in the Problems view; a runtime crash says so (the runtime host has already reported it).
 */
import * as vscode from 'vscode';
import { RuntimeErrorCode, type RuntimeErrorData } from '../../protocol/runtimeErrors';
import { formatSpecProblem } from '../../runtime/spec/specError';
import { showSpecProblems } from '../editor/specDiagnostics';
import type { ExtensionServices } from '../services';

/** The error's text for the tracker and the command's result; shows it (and diagnostics) to the user. */
export function reportJobError(services: ExtensionServices, err: unknown, what: string, specUri?: vscode.Uri): string {
  const { code, data, message } = err as { code?: number; data?: RuntimeErrorData; message?: string };
  const problems = data?.problems ?? [];
  if (code === RuntimeErrorCode.SpecInvalid && problems.length > 0) {
    if (specUri) showSpecProblems(services, specUri, problems);
    const first = formatSpecProblem(problems[0]);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more in the Problems view)` : '';
    const text = `${what}: the job spec is invalid: ${first}${more}`;
    services.log.error(`${what}: the job spec is invalid:\n${problems.map(formatSpecProblem).join('\n')}`);
    void vscode.window.showErrorMessage(`Model Lab: ${text}`, 'Show Problems').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return text;
  }
  const text = `${what} failed: ${message ?? String(err)}`;
  services.log.error(text);
  // A crash has its own notification from the runtime host (with Restart Runtime); do not pile on a second.
  if ((err as Error | undefined)?.name !== 'RuntimeExitedError') {
    void vscode.window.showErrorMessage(`Model Lab: ${text}`, 'Show Log').then((c) => {
      if (c) services.log.show();
    });
  }
  return text;
}
