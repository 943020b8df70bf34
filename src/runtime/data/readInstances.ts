/**
 * Instances for `model-lab predict --instances FILE`: JSON Lines of objects (like gcloud's
 * `--json-instances`) or CSV with a header row. Any bad line fails the whole read, as a bad instance
 * fails a whole Cloud ML `:predict` request.
 */
import type { DataSpec } from '../spec/jobSpec';
import { DataError, LISTED_BAD_RECORDS } from './dataError';
import { readDataFile } from './readDataFile';
import { type DataFormat, formatOf } from './readSource';
import type { BadRecord, RawRecord, RecordOrigin } from './records';

export interface Instances {
  records: RawRecord[];
  /** Where each record came from, index for index. */
  origins: RecordOrigin[];
}

export interface ReadInstancesOptions {
  format?: DataFormat;
  csv?: DataSpec['csv'];
  signal?: AbortSignal;
}

export async function readInstances(file: string, options: ReadInstancesOptions = {}): Promise<Instances> {
  const format = options.format ?? formatOf(file) ?? 'jsonl';
  const instances: Instances = { records: [], origins: [] };
  const bad: BadRecord[] = [];
  let badCount = 0;
  for await (const item of readDataFile({ path: file, name: file, format }, options.csv, options.signal)) {
    if ('bad' in item) {
      if (badCount++ < LISTED_BAD_RECORDS) bad.push(item.bad);
      continue;
    }
    instances.records.push(item.record);
    instances.origins.push(item.origin);
  }
  if (badCount > 0) throw DataError.badRecords(bad, badCount);
  return instances;
}
