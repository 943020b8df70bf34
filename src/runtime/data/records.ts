/** Raw records as read from CSV or JSON Lines, before any preprocessing. */

export type RawValue = string | number | boolean | null;
export type RawRecord = Record<string, RawValue>;

export type ColumnType = 'number' | 'string' | 'boolean';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  /** Records where the column is absent, null or empty. */
  missing: number;
  /** Distinct values seen, counted up to a cap (for reports; classification labels). */
  distinct: number;
}

/** Where a record came from, for error messages. */
export interface RecordOrigin {
  file: string;
  /** 1-based line number in the file (for CSV, the line the record starts on). */
  line: number;
}

export interface BadRecord extends RecordOrigin {
  reason: string;
  /** The offending text, shortened. */
  text: string;
}

export interface Dataset {
  train: RawRecord[];
  eval: RawRecord[];
  columns: ColumnInfo[];
  /** Records skipped because `onBadRecord: skip`. */
  skipped: BadRecord[];
  /** Files read, with sizes and hashes, for lineage. */
  files: { path: string; bytes: number; sha256: string }[];
}
