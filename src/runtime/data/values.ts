/** Small rules about raw values that the readers, the column profiler and the transform must agree on. */
import type { RawRecord, RawValue } from './records';

/**
 * Absent, null, empty text, or a number that is not finite. NaN and ±Infinity count as missing because
 * no statistic or model input can use them, and TF Serving's JSON lets clients send them.
 */
export function isMissing(value: RawValue | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return isBlankText(value);
  if (typeof value === 'number') return !Number.isFinite(value);
  return false;
}

/** Empty or only whitespace; without allocating a trimmed copy, since it runs for every value. */
export function isBlankText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

/**
 * Plain decimal notation (`-1.5`, `.5`, `2e-3`), optionally padded with spaces or tabs. `Number()` alone
 * would also accept '0x1F', 'Infinity', '' and ' ', which are not numbers in a data file. Scans char
 * codes instead of trimming and matching a regex: the CSV reader calls this for every field.
 */
export function looksNumeric(text: string): boolean {
  let i = 0;
  let end = text.length;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
  let c = text.charCodeAt(i);
  if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i); // + -
  let digits = 0;
  while (isDigit(c)) {
    digits++;
    c = text.charCodeAt(++i);
  }
  if (c === 0x2e) {
    c = text.charCodeAt(++i);
    while (isDigit(c)) {
      digits++;
      c = text.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if ((c === 0x65 || c === 0x45) && i < end) {
    c = text.charCodeAt(++i);
    if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
    if (!isDigit(c)) return false;
    while (isDigit(c)) c = text.charCodeAt(++i);
  }
  return i === end;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Shortens text for an error message, on one line. */
export function shorten(text: string, max = 120): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, '⏎');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** Describes a value and its type for a message, e.g. `string 'abc'`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string '${shorten(value, 40)}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * The record's own value for a column. Records are plain objects, so a column named like an
 * Object.prototype member ('constructor', 'toString') that a record lacks would otherwise read as a function.
 */
export function fieldOf(record: RawRecord, column: string): RawValue | undefined {
  const value = record[column];
  if (value !== null && (typeof value === 'object' || typeof value === 'function') && !Object.hasOwn(record, column)) return undefined;
  return value;
}
