/**
 * Reads a job's data in full: every source file through its streaming reader, bad records handled
 * as `onBadRecord` says, the label checked, and the records split into train and eval.
 */
import { closest } from 'fastest-levenshtein';
import type { DataSpec } from '../spec/jobSpec';
import type { SpecProblem } from '../spec/specError';
import { DataError, LISTED_BAD_RECORDS } from './dataError';
import { inferColumns } from './inferColumns';
import { fingerprintFile } from './openDataFile';
import { readDataFile } from './readDataFile';
import { resolveSource, type SourceFile } from './readSource';
import type { BadRecord, Dataset, RawRecord } from './records';
import { splitByFraction } from './split';
import { fieldOf, isMissing, shorten } from './values';

export interface LoadDatasetOptions {
  /** Called every PROGRESS_EVERY records and once at the end, with the number of records read so far. */
  onProgress?(rowsRead: number): void;
  signal?: AbortSignal;
  /** The spec file, to locate errors about spec fields (`data.label`, `data.source`) in it. */
  specFile?: string;
  /** Line and column of a dotted spec path such as `data.label` in the spec file. */
  locate?(path: string): { line: number; column: number } | undefined;
}

export const PROGRESS_EVERY = 10_000;

/** Without `split`, a fifth of the records is held out, with seed 0. */
export const DEFAULT_SPLIT = { eval: 0.2, seed: 0 } as const;

export async function loadDataset(data: DataSpec, baseDir: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const at = (path: string, message: string, suggestion?: string) => specProblem(options, path, message, suggestion);
  const split = data.split ?? DEFAULT_SPLIT;
  if (typeof split.eval === 'number' && !(split.eval >= 0 && split.eval < 1)) {
    const message = `data.split.eval must be a fraction in [0, 1) or a path, got ${split.eval}`;
    throw new DataError(message, { problem: at('data.split.eval', message) });
  }
  const sources = await resolveWithLocation(data.source, baseDir, data.format, 'data.source', at);
  const evalSources = typeof split.eval === 'string' ? await resolveWithLocation(split.eval, baseDir, data.format, 'data.split.eval', at) : [];

  const reader = new RecordCollector(data, options);
  const main = await reader.readAll(sources);
  const heldOut = await reader.readAll(evalSources);
  reader.finish(at);
  options.onProgress?.(reader.rows);

  const all = main.concat(heldOut);
  if (all.length === 0) throw new DataError(`no records in ${[...sources, ...evalSources].map((s) => s.name).join(', ')}`);
  const parts = typeof split.eval === 'string' ? { train: main, eval: heldOut } : splitByFraction(main, split.eval, split.seed ?? 0);
  const files = [];
  for (const file of [...sources, ...evalSources]) files.push({ path: file.name, ...(await fingerprintFile(file.path, options.signal)) });
  return { train: parts.train, eval: parts.eval, columns: inferColumns(all), skipped: reader.skipped, files };
}

/** Reads records, keeps the good ones, and keeps or counts the bad ones depending on `onBadRecord`. */
class RecordCollector {
  readonly skipped: BadRecord[] = [];
  private badCount = 0;
  rows = 0;
  private labelSeen = false;
  private readonly columnsSeen = new Set<string>();

  constructor(
    private readonly data: DataSpec,
    private readonly options: LoadDatasetOptions,
  ) {}

  async readAll(files: SourceFile[]): Promise<RawRecord[]> {
    const records: RawRecord[] = [];
    const { signal, onProgress } = this.options;
    const label = this.data.label;
    for (const file of files) {
      for await (const item of readDataFile(file, this.data.csv, signal)) {
        signal?.throwIfAborted();
        if (++this.rows % PROGRESS_EVERY === 0) onProgress?.(this.rows);
        if ('bad' in item) {
          this.bad(item.bad);
          continue;
        }
        const { record, origin } = item;
        // Columns are remembered only until the label shows up: they are for the "did you mean" message.
        if (!this.labelSeen) for (const name in record) this.columnsSeen.add(name);
        if (Object.hasOwn(record, label)) this.labelSeen = true;
        if (isMissing(fieldOf(record, label))) {
          this.bad({ ...origin, reason: `the label '${label}' is missing`, text: shorten(item.text) });
          continue;
        }
        records.push(record);
      }
    }
    return records;
  }

  private bad(record: BadRecord): void {
    this.badCount++;
    if (this.data.onBadRecord === 'skip' || this.skipped.length < LISTED_BAD_RECORDS) this.skipped.push(record);
  }

  /** Raises what reading found: an absent label column first (it explains every other error), then bad records. */
  finish(at: (path: string, message: string, suggestion?: string) => SpecProblem | undefined): void {
    const label = this.data.label;
    if (!this.labelSeen && this.columnsSeen.size > 0) {
      const columns = [...this.columnsSeen];
      const suggestion = closest(label, columns);
      const message = `the label column '${label}' is not in the data (columns: ${columns.join(', ')})`;
      throw new DataError(message, { suggestion, problem: at('data.label', message, suggestion) });
    }
    if (this.badCount > 0 && this.data.onBadRecord !== 'skip') {
      throw DataError.badRecords(this.skipped, this.badCount, 'Fix them, or set data.onBadRecord: skip to leave them out.');
    }
  }
}

async function resolveWithLocation(
  source: string | string[],
  baseDir: string,
  format: DataSpec['format'],
  path: string,
  at: (path: string, message: string) => SpecProblem | undefined,
): Promise<SourceFile[]> {
  try {
    return await resolveSource(source, baseDir, format);
  } catch (err) {
    if (!(err instanceof DataError) || err.problem) throw err;
    throw new DataError(err.message, { problem: at(path, err.message) });
  }
}

function specProblem(options: LoadDatasetOptions, path: string, message: string, suggestion?: string): SpecProblem | undefined {
  if (!options.specFile) return undefined;
  const where = options.locate?.(path) ?? { line: 0, column: 0 };
  return { file: options.specFile, line: where.line, column: where.column, path, message, suggestion };
}
