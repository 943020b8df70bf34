/**
 * One experiment panel: a webview showing a run or a study. The webview is not kept alive while hidden
 * (no retainContextWhenHidden): each time it is shown it loads again and says `ready`, and gets a fresh
 * `init` from the source's in-memory state — cheap, since the source keeps following its job meanwhile.
 * Between snapshots, the coalescer sends only changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  type HostMessage,
  PANEL_UPDATE_INTERVAL_MS,
  type PanelSnapshot,
  type PanelTarget,
  type WebviewMessage,
} from '../../protocol/webviewProtocol';
import type { ExtensionServices } from '../services';
import { newNonce, panelHtml } from './panelHtml';
import { type PanelSource, type RequestHandlers, requestHandlers } from './panelRequests';
import { RunSource } from './runSource';
import { StudySource } from './studySource';
import { UpdateCoalescer } from './updateCoalescer';

export function panelKey(target: PanelTarget): string {
  return target.kind === 'study' ? `study:${target.workspace}:${target.studyId}` : `run:${target.runDir}`;
}

export function panelTitle(target: PanelTarget): string {
  return target.kind === 'study' ? `Study ${target.studyId}` : `Run ${target.runId}`;
}

export class ExperimentPanel implements vscode.Disposable {
  private readonly coalescer: UpdateCoalescer;
  private readonly data: PanelSource;
  private readonly handlers: RequestHandlers;
  private readonly started: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private startError: string | undefined;
  private disposed = false;
  /** `init` messages sent: one per time the webview loaded and said `ready` (tests read it). */
  inits = 0;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  private readonly posted = new vscode.EventEmitter<HostMessage>();
  /** Every message sent to the webview (tests watch what the page receives, and when). */
  readonly onDidPost = this.posted.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly target: PanelTarget,
    private readonly services: Omit<ExtensionServices, 'panels'>,
  ) {
    this.coalescer = new UpdateCoalescer((m) => this.post(m), PANEL_UPDATE_INTERVAL_MS);
    this.coalescer.pause();
    const onError = (err: unknown) => services.log.warn(`experiment panel ${panelTitle(target)}: ${errorText(err)}`);
    this.data =
      target.kind === 'study'
        ? { kind: 'study', source: new StudySource(target.workspace, target.studyId, services.jobs, this.coalescer, undefined, onError) }
        : { kind: 'run', source: new RunSource(target.runId, target.runDir, services.jobs, this.coalescer, undefined, onError) };
    this.handlers = requestHandlers(services, target, this.data);
    this.started = this.data.source.start().catch((err: unknown) => {
      this.startError = errorText(err);
      onError(err);
    });

    const extensionUri = services.context.extensionUri;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'model-lab.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewMessage) => void this.handleMessage(m)),
      // Hidden: the webview is gone until shown again (then it says `ready` and gets a new snapshot).
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          this.coalescer.pause();
          this.coalescer.clear();
        }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Resolves once the source has read its files (tests wait on it). */
  whenStarted(): Promise<void> {
    return this.started;
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.coalescer.dispose();
    this.data.source.dispose();
    for (const d of this.disposables) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.posted.dispose();
    this.panel.dispose();
  }

  private html(): string {
    const dist = vscode.Uri.joinPath(this.services.context.extensionUri, 'dist');
    const webview = this.panel.webview;
    const css = join(dist.fsPath, 'webview.css');
    return panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: existsSync(css) ? webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString() : undefined,
      nonce: newNonce(),
      title: panelTitle(this.target),
    });
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
    this.posted.fire(message);
  }

  /** Handles one message from the webview (public so tests can speak for the page). */
  async handleMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.started;
        this.coalescer.clear();
        this.post({ type: 'init', target: this.target, snapshot: this.snapshot() });
        this.inits++;
        this.coalescer.resume();
        break;
      case 'setCurveSubscription':
        await this.started;
        if (this.data.kind === 'study') await this.data.source.setCurveSubscription(message.runIds);
        break;
      case 'request':
        await this.answer(message.id, () => (this.handlers[message.method] as (p: unknown) => Promise<unknown>)(message.params));
        break;
    }
  }

  private async answer(id: number, run: () => Promise<unknown>): Promise<void> {
    try {
      await this.started;
      if (this.startError) throw new Error(this.startError);
      this.post({ type: 'response', id, ok: true, result: await run() });
    } catch (err) {
      this.post({ type: 'response', id, ok: false, error: errorText(err) });
    }
  }

  /** What an `init` would carry now: the source's state, or — when its files could not be read — a header that says why. */
  snapshot(): PanelSnapshot {
    if (!this.startError) return this.data.source.snapshot();
    const t = this.target;
    if (t.kind === 'run') {
      return {
        kind: 'run',
        header: { runId: t.runId, runDir: t.runDir, name: t.runId, state: 'failed', hyperparameters: {}, error: `cannot read the run: ${this.startError}` },
        points: [],
        logTail: [],
        live: false,
      };
    }
    return {
      kind: 'study',
      header: {
        studyId: t.studyId, studyDir: join(t.workspace, '.modellab', 'studies', t.studyId), name: t.studyId, state: 'FAILED',
        interrupted: false, algorithm: '', goal: 'MAXIMIZE', metricTag: '', maxTrials: 0, parallel: 0, params: [],
        createdAt: '', message: `cannot read the study: ${this.startError}`,
      },
      trials: [],
      live: false,
    };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
