/**
 * Shared by the serve tests: a trained iris bundle (through the built CLI, once per test file), servers
 * started in-process on 127.0.0.1:0, a fake engine for protocol details, and small HTTP helpers.
 * Requests only ever go to 127.0.0.1.
 */
import { request as httpRequest, Agent } from 'node:http';
import { join } from 'node:path';
import type { ModelEngine, PredictOutcome } from '../../src/runtime/serving/modelEngine';
import { startServer, type StartedServer, type StartServerOptions } from '../../src/runtime/serving/server/startServer';
import { jsonLines, runCli, tempWorkspace } from './cliHarness';

let bundle: Promise<string> | undefined;

/** A Model Lab bundle trained on iris (about 3 s). */
export function irisBundle(): Promise<string> {
  bundle ??= (async () => {
    const ws = tempWorkspace('ml-serve-');
    const r = await runCli(['train', 'examples/iris/modellab.yaml', '--json', '--workspace', ws, '--param', 'learning_rate=0.05', '--param', 'hidden_units=16']);
    if (r.code !== 0) throw new Error(`training the iris bundle failed: ${r.stderr}`);
    const result = jsonLines(r.stdout).at(-1) as { bundleDir?: string };
    return result.bundleDir ?? join(ws, 'model');
  })();
  return bundle;
}

export const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
export const VIRGINICA = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

export interface IrisPrediction {
  label: string;
  classes: string[];
  probabilities: number[];
}

/**
 * Answers `{echo: instance}` (Buffers as `{bytes: [...]}`, to see b64 decoding), and an instance error
 * for `{fail: "why"}`. `delayMs` makes it slow; `tag` marks which engine answered (hot swap).
 */
export function echoEngine(options: { delayMs?: number; tag?: string } = {}): ModelEngine {
  return {
    framework: 'echo',
    runtime: 'typescript',
    signature: { inputs: [{ name: 'x', dtype: 'float32', shape: [-1, 1] }], outputs: [{ name: 'echo', dtype: 'float32', shape: [-1, 1] }] },
    async predict(instances: unknown[]): Promise<PredictOutcome[]> {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      return instances.map((x, i) => {
        if (x !== null && typeof x === 'object' && 'fail' in x) return { error: `instance ${i}: ${String((x as { fail: unknown }).fail)}` };
        const echo = Buffer.isBuffer(x) ? { bytes: [...x] } : x;
        return { prediction: options.tag ? { echo, tag: options.tag } : { echo } };
      });
    },
    async close() {},
  };
}

export async function serve(options: StartServerOptions): Promise<StartedServer> {
  return startServer({ host: '127.0.0.1', port: 0, ...options });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return toReply(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return toReply(await fetch(url, { headers }));
}

/**
 * node:http POST. By default a fresh connection per request (a refused connection then means "never
 * accepted"); `keepAlive` reuses connections, which the load tests use (undici's fetch costs several
 * times more CPU per request than the server does, and would measure the client).
 */
const noKeepAlive = new Agent({ keepAlive: false });
export const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });
export function rawPost(url: string, body: string, agent: Agent = noKeepAlive, onConnect?: () => void): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    if (onConnect) req.once('socket', (socket) => (socket.connecting ? socket.once('connect', onConnect) : onConnect()));
    req.end(body);
  });
}

/** Runs `count` jobs with at most `concurrency` at once. */
export async function pool<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}
