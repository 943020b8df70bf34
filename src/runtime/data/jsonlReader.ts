/**
 * Streaming JSON Lines reader: one object per line, blank lines ignored. Tabular records hold
 * strings, numbers, booleans and null; a nested object or array makes the line a bad record
 * (there is no transform for them yet, and silently flattening would hide the problem).
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { readBytes } from './openDataFile';
import type { ReadItem, ReadOptions } from './readItem';
import type { BadRecord, RawRecord } from './records';
import { shorten } from './values';

export async function* readJsonl(file: string, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const name = options.name ?? file;
  const input = Readable.from(readBytes(file, name, options.signal));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      const parsed = parseJsonlLine(text);
      if (typeof parsed === 'string') yield { bad: { file: name, line, reason: parsed, text: shorten(text) } };
      else yield { record: parsed, origin: { file: name, line }, text };
    }
  } finally {
    // Closing readline leaves its input open; destroying it closes the file when a caller stops early.
    lines.close();
    input.destroy();
  }
}

/** The record on one line, or why the line is not one. */
export function parseJsonlLine(text: string): RawRecord | BadRecord['reason'] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `invalid JSON (${shorten((err as Error).message, 80)})`;
  }
  if (value === null || typeof value !== 'object') return `not a JSON object but ${value === null ? 'null' : `a ${typeof value}`}`;
  if (Array.isArray(value)) return 'not a JSON object but an array (JSON Lines holds one object per line)';
  for (const [key, v] of Object.entries(value)) {
    if (key === '__proto__') return "'__proto__' cannot be a field name";
    if (v !== null && typeof v === 'object') {
      const what = Array.isArray(v) ? 'an array' : 'an object';
      return `field '${key}' is ${what}; a record holds only strings, numbers, booleans and null`;
    }
  }
  return value as RawRecord;
}
