/**
 * Lenient JSON Lines, for the lab's append-only files (metrics.jsonl, trials.jsonl): a crash mid-write
 * leaves at most a torn last line, which readers skip along with blank and other unreadable lines.
 */
import { readFileSync } from 'node:fs';

export function parseJsonLines<T>(lines: Iterable<string>): T[] {
  const out: T[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A torn line from a crash: skipped by design.
    }
  }
  return out;
}

/** A JSON Lines file, leniently; a file that cannot be read reads as empty. */
export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseJsonLines<T>(text.split('\n'));
}
