import type { BadRecord, RawRecord, RecordOrigin } from './records';

/** What the streaming readers yield: a record with where it came from, or a record that could not be read. */
export type ReadItem =
  | {
      record: RawRecord;
      origin: RecordOrigin;
      /** The record's source text, for messages about it later (e.g. a missing label). */
      text: string;
    }
  | { bad: BadRecord };

export interface ReadOptions {
  /** How the file is named in origins and messages (default: the path as given). */
  name?: string;
  signal?: AbortSignal;
}
