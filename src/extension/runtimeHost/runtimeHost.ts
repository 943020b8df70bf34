/**
 * The runtime child's lifecycle in this window: started on first use (never at activation, so the
 * extension host stays free of TensorFlow.js), its log notifications and stderr forwarded to the
 * Model Lab log, a crash noticed and reported (the next use starts a fresh child), and a clean
 * shutdown when the window closes so no runtime process is left behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BackendReport, LogParams } from '../../protocol/runtimeProtocol';
import type { RuntimeClient, RuntimeExit } from '../../runtime-client/runtimeClient';
import { nodeLaunch, runtimePaths } from './runtimeLaunch';

export type RuntimeStatus = 'stopped' | 'starting' | 'ready' | 'crashed';

export interface RuntimeState {
  status: RuntimeStatus;
  /** The child's process id while it runs. */
  pid?: number;
  /** The backend the last run used (or machineReport's `auto` choice), for the status bar. */
  backend?: { name: string; device: string };
  /** Which Node runs the child, in the log's words. */
  node?: string;
  /** How the last child ended, when it crashed. */
  exit?: { code: number | null; signal: string | null };
}

export class RuntimeHost implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RuntimeState>();
  readonly onDidChangeState = this.changed.event;
  state: RuntimeState = { status: 'stopped' };
  private current: RuntimeClient | undefined;
  private starting: Promise<RuntimeClient> | undefined;
  private disposed = false;
  /** Says which runs and studies the child was working on, for the crash report (set by the job commands). */
  private describeWork: () => string[] = () => [];

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {}

  /** Where Set Up Native Runtime installs @tensorflow/tfjs-node(-gpu): `<globalStorage>/native`. */
  get nativeInstallDir(): string {
    return join(this.context.globalStorageUri.fsPath, 'native');
  }

  /** The install's node_modules, handed to the runtime as MODELLAB_NATIVE_MODULES once it exists. */
  get nativeModulesDir(): string {
    return join(this.nativeInstallDir, 'node_modules');
  }

  /** The running client, started on first use (and again after a crash). */
  async client(): Promise<RuntimeClient> {
    if (this.disposed) throw new Error('Model Lab is shutting down; the runtime is not available');
    if (this.current?.isRunning) return this.current;
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Stops the child (gracefully, then by force) and starts a fresh one, e.g. after installing a native backend. */
  async restart(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.stopChild();
    await this.client();
  }

  /** Records the backend a run or report used, for the status bar. */
  noteBackend(backend: BackendReport | { name: string; device?: string } | undefined): void {
    if (!backend) return;
    this.setState({ ...this.state, backend: { name: backend.name, device: backend.device ?? '' } });
  }

  /** The job commands say what is in progress, so a crash report can name the runs and studies it ended. */
  setWorkDescriber(describe: () => string[]): void {
    this.describeWork = describe;
  }

  dispose(): void {
    this.disposed = true;
    // Fire and forget: VS Code does not wait for subscriptions. The child also exits on its own when its
    // IPC channel closes (runtimeMain's 'disconnect' handler), so even a host that dies first leaves no orphan.
    void this.stopChild();
    this.changed.dispose();
  }

  private async start(): Promise<RuntimeClient> {
    const native = existsSync(this.nativeModulesDir) ? this.nativeModulesDir : undefined;
    const launch = nodeLaunch({ nativeModulesDir: native });
    const runtimePath = runtimePaths(this.context.extensionPath).runtime;
    this.setState({ ...this.state, status: 'starting', pid: undefined, node: launch.description, exit: undefined });
    this.log.info(`Starting the Model Lab runtime with ${launch.description}${native ? `; native modules from ${native}` : ''}`);
    try {
      // Loaded on first use: activation pays nothing for the protocol client and vscode-jsonrpc.
      const { RuntimeClient } = await import('../../runtime-client/runtimeClient.js');
      const client = await RuntimeClient.start({
        runtimePath,
        execPath: launch.execPath,
        env: launch.env,
        onStderr: (text) => {
          for (const line of text.split(/\r?\n/)) if (line.trim()) this.log.warn(`[runtime stderr] ${line}`);
        },
      });
      client.onLog((p) => this.forwardLog(p));
      client.onExit((exit) => this.onExit(client, exit));
      if (this.disposed) {
        await client.dispose();
        throw new Error('Model Lab is shutting down; the runtime is not available');
      }
      this.current = client;
      const info = client.info;
      this.log.info(
        `Runtime ready: pid ${client.pid}, Node ${info?.node ?? '?'}${info?.electron ? " (VS Code's Electron as Node)" : ''}, Model Lab runtime ${info?.runtimeVersion ?? '?'}`,
      );
      this.setState({ ...this.state, status: 'ready', pid: client.pid });
      return client;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`The runtime did not start: ${message}`);
      this.setState({ ...this.state, status: 'stopped', pid: undefined });
      const hint = vscode.workspace.getConfiguration('modelLab').get<string>('runtime.nodePath')
        ? ' Check the setting modelLab.runtime.nodePath.'
        : '';
      throw new Error(`The Model Lab runtime did not start (${launch.description}): ${message}.${hint}`);
    }
  }

  private async stopChild(): Promise<void> {
    const client = this.current;
    this.current = undefined;
    if (!client) return;
    this.log.info(`Stopping the runtime (pid ${client.pid})`);
    await client.dispose(2000);
    if (!this.disposed) this.setState({ ...this.state, status: 'stopped', pid: undefined });
  }

  private onExit(client: RuntimeClient, exit: RuntimeExit): void {
    if (exit.requested) {
      this.log.info(`The runtime (pid ${client.pid}) stopped`);
      return;
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    const ended = this.describeWork();
    this.log.error(`The runtime (pid ${client.pid}) exited unexpectedly (${how})${ended.length ? `; failed: ${ended.join(', ')}` : ''}`);
    if (this.current === client) this.current = undefined;
    if (this.disposed) return;
    this.setState({ ...this.state, status: 'crashed', pid: undefined, exit: { code: exit.code, signal: exit.signal } });
    const what = ended.length ? ` ${ended.join(', ')} failed.` : '';
    void vscode.window
      .showErrorMessage(`Model Lab: the runtime process exited unexpectedly (${how}).${what} A fresh runtime starts on the next Train, Tune or Predict.`, 'Restart Runtime', 'Show Log')
      .then((choice) => {
        if (choice === 'Restart Runtime') void vscode.commands.executeCommand('modelLab.restartRuntime');
        else if (choice === 'Show Log') this.log.show();
      });
  }

  private forwardLog(p: LogParams): void {
    const text = p.runId ? `[${p.runId}] ${p.message}` : p.message;
    this.log[p.level](text);
  }

  private setState(next: RuntimeState): void {
    this.state = next;
    if (!this.disposed) this.changed.fire(next);
  }
}
