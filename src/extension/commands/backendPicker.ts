/**
 * Select Backend: what each TensorFlow.js backend would run on in this window's runtime (its machine
 * report, as `model-lab doctor` prints it), and why the others are not available; the choice goes to
 * the modelLab.backend setting, which every later Train and Tune passes to the runtime.
 */
import * as vscode from 'vscode';
import type { BackendRequest, MachineReportResult } from '../../protocol/runtimeProtocol';
import type { ExtensionServices } from '../services';

/** The part of the machine report (schema modellab.machine-report/1) this module reads. */
export interface BackendStatus {
  name: string;
  available: boolean;
  auto: boolean;
  device?: string;
  reason?: string;
}

export function backendsOf(report: MachineReportResult): BackendStatus[] {
  return Array.isArray(report.backends) ? (report.backends as BackendStatus[]) : [];
}

/** Fetches the report with a progress notification (it tries each backend, which takes a few seconds). */
export async function fetchMachineReport(services: ExtensionServices): Promise<MachineReportResult> {
  // The runtime queues the report behind training (it tries each backend, which must not happen under a run).
  const waits = services.jobs.running().some((j) => j.kind === 'run') ? ' (after the run in progress)' : '';
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Model Lab: checking the backends on this machine${waits}…` }, async () => {
    const report = await (await services.runtime.client()).machineReport();
    const auto = backendsOf(report).find((b) => b.auto);
    if (auto) services.runtime.noteBackend({ name: auto.name, device: auto.device });
    return report;
  });
}

/** `preset` (a backend name or 'auto') skips the question (tests, automation); it must be available here. */
export async function selectBackend(services: ExtensionServices, preset?: string): Promise<BackendRequest | undefined> {
  let report: MachineReportResult;
  try {
    report = await fetchMachineReport(services);
  } catch (err) {
    void vscode.window.showErrorMessage(`Model Lab: could not read the machine's backends: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((c) => {
      if (c) services.log.show();
    });
    return undefined;
  }
  const backends = backendsOf(report);
  const current = vscode.workspace.getConfiguration('modelLab').get<string>('backend') ?? 'auto';
  const auto = backends.find((b) => b.auto);
  type Item = vscode.QuickPickItem & { value?: BackendRequest };
  const items: Item[] = [
    { label: `${current === 'auto' ? '$(check) ' : ''}auto`, description: auto ? `now: ${auto.name} — ${auto.device ?? ''}` : 'the best that works', value: 'auto' },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...backends.map(
      (b): Item => ({
        label: `${current === b.name ? '$(check) ' : ''}${b.available ? '$(pass)' : '$(circle-slash)'} ${b.name}`,
        description: b.available ? b.device : 'not available',
        detail: b.reason,
        value: b.name as BackendRequest,
      }),
    ),
  ];
  if (!backends.some((b) => b.name.startsWith('tensorflow') && b.available)) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(cloud-download) Set Up Native Runtime…', description: 'install TensorFlow native (tfjs-node / tfjs-node-gpu)' });
  }
  if (preset !== undefined && !items.some((i) => i.value === preset)) throw new Error(`unknown backend '${preset}': use auto, ${backends.map((b) => b.name).join(', ')}`);
  const picked = preset !== undefined
    ? items.find((i) => i.value === preset)
    : await vscode.window.showQuickPick(items, { title: 'Model Lab: Select Backend', placeHolder: `Backend for training and prediction (now: ${current})`, matchOnDetail: true });
  if (!picked) return undefined;
  if (!picked.value) {
    await vscode.commands.executeCommand('modelLab.setUpNativeRuntime');
    return undefined;
  }
  const chosen = backends.find((b) => b.name === picked.value);
  if (chosen && !chosen.available) {
    if (preset !== undefined) throw new Error(`backend ${chosen.name} is not available here: ${chosen.reason ?? 'no reason given'}`);
    const go = await vscode.window.showWarningMessage(`Model Lab: ${chosen.name} is not available here: ${chosen.reason ?? 'no reason given'}. Training with it will fail. Use it anyway?`, { modal: true }, 'Use Anyway');
    if (go !== 'Use Anyway') return undefined;
  }
  const config = vscode.workspace.getConfiguration('modelLab');
  // Where the user already set it (workspace or user) is where they expect it to change.
  const target = config.inspect('backend')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('backend', picked.value, target);
  if (chosen?.available) services.runtime.noteBackend({ name: chosen.name, device: chosen.device });
  services.log.info(`Backend set to ${picked.value}`);
  return picked.value;
}
