/**
 * Where Model Lab keeps files it can always rebuild (derived model formats): MODELLAB_CACHE_DIR, else
 * $XDG_CACHE_HOME/model-lab, else ~/.cache/model-lab. Never the user's model folders: those may be
 * read-only, tracked by git, or a registry version that must stay as it was registered.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(...parts: string[]): string {
  const root =
    process.env.MODELLAB_CACHE_DIR ||
    (process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'model-lab') : join(homedir(), '.cache', 'model-lab'));
  return join(root, ...parts);
}
