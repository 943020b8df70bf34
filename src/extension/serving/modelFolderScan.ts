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
