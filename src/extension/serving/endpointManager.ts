/**
 * The window's local endpoints: each a `model-lab serve <folder>` child started with the lab's Node
 * (nodeLaunch) on modelLab.serve.host / modelLab.serve.port. A host other than loopback gets a bearer
 * token, generated once and kept in SecretStorage, passed through the environment and never logged.
 * Stop Endpoint and disposal stop the whole process group, so no server outlives the window.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { recogniseModelFolder } from '../../runtime/serving/modelFiles';
import { nodeLaunch, runtimePaths } from '../runtimeHost/runtimeLaunch';
import type { CliChild } from './cliProcess';
import { isLoopbackHost, startServeProcess } from './serveProcess';

export const TOKEN_SECRET = 'modelLab.serve.token';

export interface Endpoint {
  id: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The served model's name in URLs. */
  model: string;
  modelDir: string;
  framework: string;
  pid: number;
  /** True when requests need `Authorization: Bearer <token>`. */
  tokenRequired: boolean;
  startedAt: Date;
}

/** A folder name → a model name the URL and the registry accept (a letter, then letters, digits, _). */
export function modelNameFor(dir: string): string {
  const cleaned = basename(dir).replace(/[^A-Za-z0-9_]/g, '_').slice(0, 100);
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `m_${cleaned}`;
}

export class EndpointManager implements vscode.Disposable {
  private readonly endpoints = new Map<string, { endpoint: Endpoint; process: CliChild }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private next = 1;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  list(): Endpoint[] {
    return [...this.endpoints.values()].map((e) => e.endpoint);
  }

  get(id: string): Endpoint | undefined {
    return this.endpoints.get(id)?.endpoint;
  }

  /** The running endpoint that serves this folder, if any. */
  forFolder(modelDir: string): Endpoint | undefined {
    return this.list().find((e) => e.modelDir === modelDir);
  }

  /** The bearer token for endpoints off loopback: generated on first need, then kept in SecretStorage. */
  async token(): Promise<string> {
    const existing = await this.context.secrets.get(TOKEN_SECRET);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    await this.context.secrets.store(TOKEN_SECRET, token);
    return token;
  }

  /** The token to send to `endpoint`, or undefined when it needs none. */
  async tokenFor(endpoint: Endpoint): Promise<string | undefined> {
    return endpoint.tokenRequired ? this.token() : undefined;
  }

  async start(modelDir: string, model = modelNameFor(modelDir)): Promise<Endpoint> {
    const recognised = recogniseModelFolder(modelDir);
    if (!recognised) throw new Error(`${modelDir} holds no model Model Lab can serve`);
    if (recognised.problem) throw new Error(recognised.problem);
    const config = vscode.workspace.getConfiguration('modelLab.serve');
    const host = (config.get<string>('host') ?? '127.0.0.1').trim() || '127.0.0.1';
    const configuredPort = config.get<number>('port') ?? 0;
    // The setting names the first endpoint's port; later ones take any free port rather than collide.
    const port = configuredPort > 0 && !this.list().some((e) => new URL(e.url).port === String(configuredPort)) ? configuredPort : 0;
    const tokenRequired = !isLoopbackHost(host);
    const launch = nodeLaunch();
    this.log.info(`Serving ${modelDir} (${recognised.kind}) as ${model} on ${host}:${port || 'any free port'} with ${launch.description}${tokenRequired ? '; bearer token required' : ''}`);
    const started = await startServeProcess(
      { execPath: launch.execPath, env: launch.env, cli: runtimePaths(this.context.extensionPath).cli },
      { modelDir, host, port, name: model, token: tokenRequired ? await this.token() : undefined, onOutput: (line) => this.log.info(`[serve ${model}] ${line}`) },
    );
    const endpoint: Endpoint = {
      id: String(this.next++),
      url: started.url,
      model,
      modelDir,
      framework: recognised.kind,
      pid: started.pid,
      tokenRequired,
      startedAt: new Date(),
    };
    this.endpoints.set(endpoint.id, { endpoint, process: started.process });
    void started.process.exited.then((code) => {
      if (!this.endpoints.delete(endpoint.id)) return;
      this.log.info(`Endpoint ${endpoint.url} (${model}) ended (${code})`);
      this.changed.fire();
    });
    this.changed.fire();
    return endpoint;
  }

  /** Stops the endpoint's process group (graceful first) and resolves once it has ended. */
  async stop(id: string): Promise<void> {
    const entry = this.endpoints.get(id);
    if (!entry) return;
    this.endpoints.delete(id);
    this.changed.fire();
    const code = await entry.process.stop();
    this.log.info(`Stopped endpoint ${entry.endpoint.url} (${entry.endpoint.model}, pid ${entry.endpoint.pid}): exit ${code}`);
  }

  dispose(): void {
    // The window is going: SIGTERM every group now; each SIGKILL follows if the graceful exit is slow.
    for (const { process } of this.endpoints.values()) void process.stop(3000);
    this.endpoints.clear();
    this.changed.dispose();
  }
}
