/**
 * A problem with the data rather than with the code: records that cannot be read, a label column
 * that does not exist, a source that matches no file. Carries the located records so the CLI and
 * the editor can point at them.
 */
import { type SpecProblem, formatSpecProblem } from '../spec/specError';
import type { BadRecord } from './records';

/** How many bad records an error message lists before it only counts. */
export const LISTED_BAD_RECORDS = 5;

export function formatBadRecord(bad: BadRecord): string {
  return `${bad.file}:${bad.line}: ${bad.reason}: ${bad.text}`;
}

export interface DataErrorDetails {
  /** The first bad records (at most LISTED_BAD_RECORDS when built by `DataError.badRecords`). */
  records?: BadRecord[];
  /** Total number of bad records, when more were found than are listed. */
  total?: number;
  /** The closest valid name, for typos (e.g. a misspelt label column). */
  suggestion?: string;
  /** The spec field at fault, located in the spec file when the caller could locate it. */
  problem?: SpecProblem;
}

export class DataError extends Error {
  readonly records: BadRecord[];
  readonly total: number;
  readonly suggestion?: string;
  readonly problem?: SpecProblem;

  constructor(message: string, details: DataErrorDetails = {}) {
    const { problem, suggestion } = details;
    super(
      problem
        ? formatSpecProblem({ ...problem, message, suggestion: problem.suggestion ?? suggestion })
        : `${message}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
    );
    this.name = 'DataError';
    this.records = details.records ?? [];
    this.total = details.total ?? this.records.length;
    this.suggestion = suggestion;
    this.problem = problem;
  }

  /** The error `onBadRecord: fail` raises: the first records listed as `file:line: reason: text`, and the count. */
  static badRecords(first: BadRecord[], total: number, hint?: string): DataError {
    const listed = first.slice(0, LISTED_BAD_RECORDS);
    const lines = [`${total} bad record${total === 1 ? '' : 's'} in the data:`, ...listed.map((b) => `  ${formatBadRecord(b)}`)];
    if (total > listed.length) lines.push(`  … and ${total - listed.length} more`);
    if (hint) lines.push(hint);
    return new DataError(lines.join('\n'), { records: listed, total });
  }
}
