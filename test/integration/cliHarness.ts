/** Runs the built `model-lab` CLI (dist/cli.js) as a user would, and collects what it printed. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'bin/model-lab.js');
export const RUNTIME = join(ROOT, 'dist/runtime.js');

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist/cli.js')) || !existsSync(RUNTIME)) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onStdoutLine?(line: string, kill: () => void): void } = {}): Promise<CliResult> {
  requireBuild();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        options.onStdoutLine?.(line, () => child.kill('SIGINT'));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function tempWorkspace(prefix = 'ml-ws-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
