/**
 * One `model-lab serve <folder>` child: started, its bound URL learned from what it prints, stopped.
 * vscode-free (the endpoint manager adds settings, secrets and the tree on top).
 */
import { type CliChild, type CliLaunch, onLines, spawnCli } from './cliProcess';

export interface ServeOptions {
  modelDir: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** The served model's name in URLs (…/models/<name>:predict). */
  name: string;
  /** Passed through MODELLAB_SERVE_TOKEN (never on the command line, where `ps` would show it). */
  token?: string;
  /** How long loading the model may take before the start counts as failed. */
  startTimeoutMs?: number;
  /** Every line the server prints (stdout and stderr), for the log. */
  onOutput?(line: string): void;
}

export interface ServeProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  process: CliChild;
}

/** `serving model (folder) on http://127.0.0.1:41234 …` → the URL. */
export function parseServingUrl(line: string): string | undefined {
  return /^serving .* on (https?:\/\/\S+)/.exec(line)?.[1];
}

/** `0.0.0.0` → `127.0.0.1`: the address a client on this machine uses for a server bound to every interface. */
export function clientUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = '127.0.0.1';
  return u.toString().replace(/\/$/, '');
}

/** The server's own rule (src/runtime/serving/server/auth.ts): any other host makes it demand a token. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function startServeProcess(launch: CliLaunch, options: ServeOptions): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = { ...launch.env };
  if (options.token) env.MODELLAB_SERVE_TOKEN = options.token;
  else delete env.MODELLAB_SERVE_TOKEN;
  const args = ['serve', options.modelDir, '--name', options.name, '--host', options.host, '--port', String(options.port)];
  const proc = spawnCli({ ...launch, env }, args);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    options.onOutput?.(line);
  };
  return new Promise<ServeProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      void proc.stop(1000);
      reject(new Error(`model-lab serve ${options.modelDir} did not report a URL within ${Math.round((options.startTimeoutMs ?? 120_000) / 1000)} s:\n${tail.join('\n')}`));
    }, options.startTimeoutMs ?? 120_000);
    onLines(proc.child.stdout, (line) => {
      remember(line);
      const url = parseServingUrl(line);
      if (url && proc.child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url: clientUrl(url), pid: proc.child.pid, process: proc });
      }
    });
    onLines(proc.child.stderr, remember);
    void proc.exited.then((code) => {
      clearTimeout(timer);
      // After a resolve this is a no-op; before it, the server failed to start and its output says why.
      reject(new Error(`model-lab serve ${options.modelDir} exited (${code}) before serving:\n${tail.join('\n') || '(no output)'}`));
    });
  });
}
