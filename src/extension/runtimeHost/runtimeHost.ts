// PLACEHOLDER (replaced by the runtime-host work): the runtime child's lifecycle in this window.
import * as vscode from 'vscode';
import type { RuntimeClient } from '../../runtime-client/runtimeClient';

export type RuntimeStatus = 'stopped' | 'starting' | 'ready' | 'crashed';
export interface RuntimeState {
  status: RuntimeStatus;
  pid?: number;
  backend?: { name: string; device: string };
}

export class RuntimeHost implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RuntimeState>();
  readonly onDidChangeState = this.changed.event;
  state: RuntimeState = { status: 'stopped' };
  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {}
  /** The running client, started on first use. */
  async client(): Promise<RuntimeClient> {
    throw new Error('not built yet');
  }
  async restart(): Promise<void> {}
  dispose(): void {
    this.changed.dispose();
  }
}
