/** Reading one source file with the reader its format needs. */
import type { DataSpec } from '../spec/jobSpec';
import { readCsv } from './csvReader';
import { readJsonl } from './jsonlReader';
import type { ReadItem } from './readItem';
import { defaultDelimiter, type SourceFile } from './readSource';

export function readDataFile(file: SourceFile, csv: DataSpec['csv'] = {}, signal?: AbortSignal): AsyncGenerator<ReadItem> {
  const options = { name: file.name, signal };
  if (file.format === 'jsonl') return readJsonl(file.path, options);
  return readCsv(file.path, { ...csv, delimiter: csv.delimiter ?? defaultDelimiter(file.path) }, options);
}
