/**
 * Set Up Native Runtime: installs @tensorflow/tfjs-node (or -gpu) into the extension's global storage
 * with npm, one install at a time across windows, then restarts the runtime with MODELLAB_NATIVE_MODULES
 * pointing there and checks that the backend loads. Nothing is required: without it the lab trains on
 * WebAssembly (or WebGPU).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { MachineReportResult } from '../../protocol/runtimeProtocol';
import type { ExtensionServices } from '../services';
import { requireTrust } from '../trust';
import { backendsOf, fetchMachineReport } from './backendPicker';
import { acquireInstallLock, explainInstallFailure, npmInstall } from './nativeRuntimeInstall';

interface CudaReport {
  libraries?: { name: string; version?: string }[];
  nvidiaDriver?: string;
  tfjsNodeGpuCompatible?: boolean;
}

export interface NativeSetupOutcome {
  installed: boolean;
  /** Whether the runtime then loads the backend. */
  available?: boolean;
  message: string;
}

/** `preset` ('tensorflow' | 'tensorflow-gpu', or the package name) skips the question (tests, automation). */
export async function setUpNativeRuntime(services: ExtensionServices, preset?: string): Promise<NativeSetupOutcome | undefined> {
  if (!requireTrust('Set Up Native Runtime')) return undefined;
  let report: MachineReportResult | undefined;
  try {
    report = await fetchMachineReport(services);
  } catch (err) {
    services.log.warn(`Machine report unavailable before the native install: ${String(err)}`);
  }
  const cuda = (report?.cuda ?? {}) as CudaReport;
  const working = (rung: string) => (backendsOf(report ?? { schema: '' }).find((b) => b.name === rung)?.available ? ' — installed and working' : '');
  const found = (cuda.libraries ?? []).map((l) => `${l.name} ${l.version ?? ''}`.trim()).join(', ') || 'none';
  const choices = [
    { label: '@tensorflow/tfjs-node', description: `TensorFlow native, CPU${working('tensorflow')}`, detail: 'Faster than WebAssembly on most CPUs. Downloads about 100 MB (libtensorflow).', pkg: '@tensorflow/tfjs-node', gpu: false },
    {
      label: '@tensorflow/tfjs-node-gpu',
      description: `TensorFlow native, NVIDIA GPU (CUDA)${working('tensorflow-gpu')}`,
      detail: cuda.tfjsNodeGpuCompatible
        ? `CUDA 11.2 and cuDNN 8.1 found${cuda.nvidiaDriver ? `, NVIDIA driver ${cuda.nvidiaDriver}` : ''}.`
        : `Needs CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0, libcudnn.so.8); found: ${found}.`,
      pkg: '@tensorflow/tfjs-node-gpu',
      gpu: true,
    },
  ];
  const wanted = preset ? (({ tensorflow: '@tensorflow/tfjs-node', 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu' }) as Record<string, string>)[preset] ?? preset : undefined;
  if (wanted && !choices.some((c) => c.pkg === wanted)) throw new Error(`unknown native backend '${preset}': use tensorflow or tensorflow-gpu`);
  const picked = wanted
    ? choices.find((c) => c.pkg === wanted)
    : await vscode.window.showQuickPick(choices, { title: 'Model Lab: Set Up Native Runtime', placeHolder: 'Which TensorFlow native backend to install' });
  if (!picked) return undefined;
  if (picked.gpu && !cuda.tfjsNodeGpuCompatible) {
    const missing = `${picked.pkg} needs CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0 and libcudnn.so.8), which were not found on this machine (found: ${found})`;
    // Asked for by name (automation): no question to ask, so the safe answer.
    if (preset) return { installed: false, message: `${missing}; not installed` };
    const go = await vscode.window.showWarningMessage(`Model Lab: ${missing}. It would install but not load; training would go on without it.`, { modal: true }, 'Install Anyway');
    if (go !== 'Install Anyway') return undefined;
  }

  const dir = services.runtime.nativeInstallDir;
  const lock = acquireInstallLock(dir);
  if ('heldBy' in lock) {
    const message = `another VS Code window (process ${lock.heldBy.pid}) has been installing the native runtime since ${lock.heldBy.startedAt}; try again when it is done`;
    void vscode.window.showInformationMessage(`Model Lab: ${message}.`);
    return { installed: false, message };
  }

  const version = tfjsVersion(services);
  const npm = npmCommand();
  services.log.info(`Installing ${picked.pkg}@${version} into ${dir} with ${npm}`);
  let result;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Model Lab: installing ${picked.pkg}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return npmInstall({
          npm,
          dir,
          pkg: picked.pkg,
          version,
          signal: abort.signal,
          onOutput: (line) => {
            services.log.info(`[npm] ${line}`);
            progress.report({ message: line.length > 90 ? `${line.slice(0, 87)}…` : line });
          },
        });
      },
    );
  } finally {
    lock.release();
  }

  if (!result.ok) {
    const why = explainInstallFailure(result, npm);
    const message = `${picked.pkg} was not installed: ${why}. Model Lab keeps working on WebAssembly.`;
    services.log.error(message);
    void vscode.window.showErrorMessage(`Model Lab: ${message}`, 'Show Log').then((c) => {
      if (c) services.log.show();
    });
    return { installed: false, message };
  }

  // The runtime reads MODELLAB_NATIVE_MODULES when it starts: a fresh one sees the new install.
  if (services.jobs.running().length > 0) {
    const now = await vscode.window.showInformationMessage(
      `Model Lab: ${picked.pkg} is installed. The runtime must restart to use it, which ends the jobs running now.`,
      'Restart Now',
      'Later',
    );
    if (now !== 'Restart Now') return { installed: true, message: `${picked.pkg} installed; restart the runtime to use it` };
  }
  try {
    await services.runtime.restart();
  } catch (err) {
    const message = `${picked.pkg} is installed, but the runtime did not restart: ${err instanceof Error ? err.message : String(err)}`;
    services.log.error(message);
    void vscode.window.showErrorMessage(`Model Lab: ${message}`, 'Show Log').then((c) => {
      if (c) services.log.show();
    });
    return { installed: true, message };
  }
  const after = await fetchMachineReport(services).catch(() => undefined);
  const rung = backendsOf(after ?? { schema: '' }).find((b) => b.name === (picked.gpu ? 'tensorflow-gpu' : 'tensorflow'));
  if (rung?.available) {
    const message = `${picked.pkg} is ready: ${rung.device ?? rung.name}. Backend "auto" uses it unless WebGPU is better; Select Backend to choose.`;
    void vscode.window.showInformationMessage(`Model Lab: ${message}`, 'Select Backend').then((c) => {
      if (c) void vscode.commands.executeCommand('modelLab.selectBackend');
    });
    return { installed: true, available: true, message };
  }
  const message = `${picked.pkg} is installed but does not load: ${rung?.reason ?? 'the runtime did not report it'}. Model Lab keeps working on WebAssembly.`;
  services.log.warn(message);
  void vscode.window.showWarningMessage(`Model Lab: ${message}`, 'Show Log').then((c) => {
    if (c) services.log.show();
  });
  return { installed: true, available: false, message };
}

/** The tfjs-node version must match the tfjs-core the runtime bundles. */
function tfjsVersion(services: ExtensionServices): string {
  const deps = (services.context.extension.packageJSON as { dependencies?: Record<string, string> }).dependencies ?? {};
  return (deps['@tensorflow/tfjs-core'] ?? '4.22.0').replace(/^[\^~]/, '');
}

/** npm beside modelLab.runtime.nodePath when that is set (VS Code's Electron has none), else npm on PATH. */
function npmCommand(): string {
  const nodePath = (vscode.workspace.getConfiguration('modelLab').get<string>('runtime.nodePath') ?? '').trim();
  const name = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const beside = nodePath ? join(dirname(nodePath), name) : undefined;
  return beside && existsSync(beside) ? beside : name;
}
