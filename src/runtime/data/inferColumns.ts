/**
 * Column types and missing counts, inferred over records. The rules are few so that users can predict
 * them: only numbers → `number`; only booleans → `boolean`; anything else (text, a mix of numbers and
 * text, a mix of numbers and booleans, or no value at all) → `string`. Columns come in the order they
 * first appear.
 */
import type { ColumnInfo, ColumnType, RawRecord } from './records';
import { isMissing } from './values';

/** Distinct values are counted up to this many per column: enough for reports and class lists. */
export const DISTINCT_CAP = 10_000;

interface Tally {
  numbers: number;
  booleans: number;
  strings: number;
  distinct: Set<string | number | boolean>;
}

/** Accumulates column statistics one record at a time, so a reader can profile while it streams. */
export class ColumnProfiler {
  private readonly tallies = new Map<string, Tally>();
  private records = 0;

  add(record: RawRecord): void {
    this.records++;
    for (const name in record) {
      if (!Object.hasOwn(record, name)) continue;
      let tally = this.tallies.get(name);
      if (!tally) {
        tally = { numbers: 0, booleans: 0, strings: 0, distinct: new Set() };
        this.tallies.set(name, tally);
      }
      const value = record[name];
      if (isMissing(value)) continue;
      if (typeof value === 'number') tally.numbers++;
      else if (typeof value === 'boolean') tally.booleans++;
      else tally.strings++;
      if (tally.distinct.size < DISTINCT_CAP) tally.distinct.add(value as string | number | boolean);
    }
  }

  columns(): ColumnInfo[] {
    return [...this.tallies].map(([name, t]) => ({
      name,
      type: typeOf(t),
      missing: this.records - (t.numbers + t.booleans + t.strings),
      distinct: t.distinct.size,
    }));
  }
}

function typeOf(t: Tally): ColumnType {
  if (t.strings === 0 && t.booleans === 0 && t.numbers > 0) return 'number';
  if (t.strings === 0 && t.numbers === 0 && t.booleans > 0) return 'boolean';
  return 'string';
}

export function inferColumns(records: Iterable<RawRecord>): ColumnInfo[] {
  const profiler = new ColumnProfiler();
  for (const record of records) profiler.add(record);
  return profiler.columns();
}
