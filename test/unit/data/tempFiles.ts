/** A temporary folder per test file, for fixtures written by the tests themselves. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TempFiles {
  dir: string;
  /** Writes `text` (gzipped when the name ends in .gz) and returns the absolute path. */
  write(name: string, text: string | Buffer): string;
  remove(): void;
}

export function tempFiles(prefix = 'modellab-data-'): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
