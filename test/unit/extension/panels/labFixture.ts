/**
 * Real run and study folders for the panel tests, written by the real CLI (dist/cli.js: run
 * `npm run build` first) into a temporary copy of the iris example. Short on purpose: 5–8 epochs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '../../../..');
const CLI = join(REPO, 'bin', 'model-lab.js');

export function irisWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modellab-panels-'));
  for (const f of ['iris.csv', 'modellab.yaml']) cpSync(join(REPO, 'examples', 'iris', f), join(dir, f));
  return dir;
}

function cli(args: string[]): void {
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`model-lab ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

/** Trains iris once; returns the run's folder. */
export function train(workspace: string, epochs = 8): string {
  const before = new Set(runIds(workspace));
  cli(['train', join(workspace, 'modellab.yaml'), '--set', `training.epochs=${epochs}`]);
  const created = runIds(workspace).filter((id) => !before.has(id));
  if (created.length !== 1) throw new Error(`expected one new run, found ${created.join(', ')}`);
  return join(workspace, '.modellab', 'runs', created[0]);
}

/** Tunes iris (8 trials, 2 at a time, 5 epochs each); returns the study's folder. */
export function tune(workspace: string): string {
  cli(['tune', join(workspace, 'modellab.yaml'), '--set', 'training.epochs=5', '--seed', '1']);
  const studies = join(workspace, '.modellab', 'studies');
  const [id] = readdirSync(studies);
  return join(studies, id);
}

export function runIds(workspace: string): string[] {
  const dir = join(workspace, '.modellab', 'runs');
  return existsSync(dir) ? readdirSync(dir) : [];
}
