/**
 * Which folders of a workspace hold models: the parents of candidate files (by name, MODEL_FILE_GLOBS),
 * kept when modelFiles' rule recognises them by content. vscode-free.
 */
import { dirname } from 'node:path';
import { MODEL_FILE_GLOBS, recogniseModelFolder } from '../../runtime/serving/modelFiles';

/** One glob for vscode.workspace.findFiles / createFileSystemWatcher. */
export const MODEL_FILE_PATTERN = `**/{${MODEL_FILE_GLOBS.join(',')}}`;

/** Folders never worth scanning (dependencies, VCS data); the runs and registry under .modellab are. */
export const EXCLUDE_PATTERN = '**/{node_modules,.git,.venv,venv,__pycache__}/**';

/** The recognised model folders among the parents of `files`, sorted, each once. */
export function modelFoldersAmong(files: Iterable<string>): string[] {
  const parents = new Set<string>();
  for (const file of files) parents.add(dirname(file));
  return [...parents].filter((dir) => recogniseModelFolder(dir) !== undefined).sort();
}

const EXCLUDED_SEGMENTS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__']);
const MODEL_FILE_NAME = new RegExp(
  `^(${MODEL_FILE_GLOBS.map((g) => g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`,
  'i',
);

/**
 * Whether a created or deleted path can change the list of model folders. VS Code's watcher reports a
 * folder created or deleted with its contents as one event for the folder alone (a copied model folder,
 * a deleted run), so folders count as well as model file names; `known` are the current model folders.
 */
export function mayChangeModelFolders(path: string, event: { kind: 'created'; isFolder: boolean } | { kind: 'deleted' }, known: readonly string[]): boolean {
  const segments = path.split(/[\\/]/);
  if (segments.some((s) => EXCLUDED_SEGMENTS.has(s))) return false;
  if (MODEL_FILE_NAME.test(segments[segments.length - 1] ?? '')) return true;
  if (event.kind === 'created') return event.isFolder;
  // A deleted folder (or one above): does it hold a known model folder?
  return known.some((dir) => dir === path || dir.startsWith(`${path}/`) || dir.startsWith(`${path}\\`));
}
