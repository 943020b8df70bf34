/**
 * Expanding a data `source` (a path, a glob, or a list of them, relative to the spec's folder) into the
 * files to read, in a fixed order: each pattern's matches sorted by code unit (never by locale, so the
 * order and therefore the split are the same on every platform), patterns in the order given.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DataError } from './dataError';
import * as tinyglobby from 'tinyglobby';

export type DataFormat = 'csv' | 'jsonl';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** The path as users see it: relative to the base folder, with `/` separators. */
  name: string;
  format: DataFormat;
}

const EXTENSIONS: [string, DataFormat][] = [
  ['.csv', 'csv'],
  ['.tsv', 'csv'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.json', 'jsonl'],
];

/** The format a file name implies (`.gz` looks through to the name inside), or undefined. */
export function formatOf(path: string): DataFormat | undefined {
  const lower = path.toLowerCase().replace(/\.gz$/, '');
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext))?.[1];
}

/** Tab-separated files are CSV with a tab delimiter unless the spec says otherwise. */
export function defaultDelimiter(path: string): string | undefined {
  return /\.tsv(\.gz)?$/i.test(path) ? '\t' : undefined;
}

export function displayName(path: string, baseDir: string): string {
  const rel = relative(baseDir, path);
  return (rel === '' || isAbsolute(rel) ? path : rel).split(sep).join('/');
}

export async function resolveSource(source: string | string[], baseDir: string, format?: DataFormat): Promise<SourceFile[]> {
  const patterns = typeof source === 'string' ? [source] : source;
  if (patterns.length === 0) throw new DataError('data.source is empty');
  const seen = new Set<string>();
  const files: SourceFile[] = [];
  for (const pattern of patterns) {
    for (const path of await expand(pattern, baseDir)) {
      if (seen.has(path)) continue;
      seen.add(path);
      const name = displayName(path, baseDir);
      const fileFormat = format ?? formatOf(path);
      if (!fileFormat) {
        throw new DataError(`${name}: unknown data format; use .csv, .tsv, .jsonl, .ndjson or .json (optionally .gz), or set data.format`);
      }
      files.push({ path, name, format: fileFormat });
    }
  }
  return files;
}

async function expand(pattern: string, baseDir: string): Promise<string[]> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pattern)) {
    throw new DataError(`${pattern}: remote sources are not read directly; copy the data to a local folder first`);
  }
  // Globs use '/' on every platform; a Windows path written with '\' is not an escape sequence there.
  const portable = sep === '\\' ? pattern.split('\\').join('/') : pattern;
  if (tinyglobby.isDynamicPattern(portable)) {
    const matches = await tinyglobby.glob(portable, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false });
    if (matches.length === 0) throw new DataError(`data source '${pattern}' matches no file (looked in ${baseDir})`);
    return matches.map((m) => resolve(m)).sort(compareCodeUnits);
  }
  const path = resolve(baseDir, pattern);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DataError(`data source '${pattern}' matches no file (no ${path})`);
  if (info.isDirectory()) throw new DataError(`data source '${pattern}' is a folder; name its files, e.g. '${pattern.replace(/\/$/, '')}/*.csv'`);
  return [path];
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
