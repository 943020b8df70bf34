/**
 * Streaming CSV reader: one `ReadItem` per record, with the line it starts on. Unquoted numeric text
 * becomes a number; quoted text always stays a string, so a file can say that `"7"` is a class name
 * and not a quantity (the digits example quotes its labels for that reason). Empty fields are null.
 */
import type { DataSpec } from '../spec/jobSpec';
import { CsvTokenizer, type CsvRow } from './csvTokenizer';
import { DataError } from './dataError';
import { readBytes } from './openDataFile';
import type { ReadItem, ReadOptions } from './readItem';
import type { RawRecord, RawValue } from './records';
import { isBlankText, looksNumeric, shorten } from './values';

export type CsvOptions = NonNullable<DataSpec['csv']>;

export function csvValue(text: string, quoted: boolean): RawValue {
  if (isBlankText(text)) return null;
  if (!quoted && looksNumeric(text)) return Number(text);
  return text;
}

export async function* readCsv(file: string, csv: CsvOptions = {}, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const name = options.name ?? file;
  const hasHeader = csv.header !== false;
  if (!hasHeader && !csv.columns?.length) {
    throw new DataError(`${name}: csv.header is false, so csv.columns must name the columns`);
  }
  let columns: string[] | undefined = hasHeader ? undefined : checkColumnNames(csv.columns!, name, 0);
  let makeRecord = columns ? recordFactory(columns) : undefined;
  const tokenizer = new CsvTokenizer({ delimiter: csv.delimiter });
  const decoder = new TextDecoder('utf-8');

  function* items(events: ReturnType<CsvTokenizer['push']>): Generator<ReadItem> {
    for (const event of events) {
      if ('bad' in event) {
        if (!columns) throw new DataError(`${name}:${event.bad.line}: the header row cannot be read: ${event.bad.reason}`);
        yield { bad: { file: name, line: event.bad.line, reason: event.bad.reason, text: shorten(event.bad.text) } };
        continue;
      }
      const row = event.row;
      if (!columns || !makeRecord) {
        columns = headerColumns(row, csv.columns, name);
        makeRecord = recordFactory(columns);
        continue;
      }
      if (row.fields.length !== columns.length) {
        const reason = `expected ${columns.length} fields, found ${row.fields.length}`;
        yield { bad: { file: name, line: row.line, reason, text: shorten(row.text) } };
        continue;
      }
      yield { record: makeRecord(row.fields, row.quoted), origin: { file: name, line: row.line }, text: row.text };
    }
  }

  for await (const bytes of readBytes(file, name, options.signal)) {
    yield* items(tokenizer.push(decoder.decode(bytes, { stream: true })));
  }
  yield* items(tokenizer.push(decoder.decode()));
  yield* items(tokenizer.end());
}

type RecordFactory = (fields: string[], quoted: boolean[] | null) => RawRecord;

/**
 * Builds records through an object literal compiled for the header, so that every record is allocated
 * at its final size with one shared hidden class. Adding the fields one by one under computed keys goes
 * through a megamorphic store and regrows each record's property storage, and was the slowest step of
 * reading a wide CSV. The names are embedded as JSON string literals (and '__proto__' is refused
 * before), so no column name can change the code.
 */
function recordFactory(columns: string[]): RecordFactory {
  const fields = columns.map((c, j) => `${JSON.stringify(c)}: value(f[${j}], q !== null && q[${j}] === true)`);
  return new Function('value', `return (f, q) => ({ ${fields.join(', ')} });`)(csvValue) as RecordFactory;
}

function headerColumns(row: CsvRow, given: string[] | undefined, name: string): string[] {
  const header = row.fields.map((f) => f.trim());
  if (!given?.length) return checkColumnNames(header, name, row.line);
  // A header row with csv.columns: the given names replace the file's, one for one.
  if (given.length !== header.length) {
    throw new DataError(`${name}:${row.line}: csv.columns names ${given.length} columns but the header row has ${header.length}`);
  }
  return checkColumnNames(given, name, row.line);
}

function checkColumnNames(names: string[], name: string, line: number): string[] {
  const where = line > 0 ? `${name}:${line}` : name;
  const seen = new Set<string>();
  names.forEach((column, i) => {
    if (column === '') throw new DataError(`${where}: column ${i + 1} of the header has no name`);
    // Records are plain objects: this name would set their prototype instead of a field.
    if (column === '__proto__') throw new DataError(`${where}: '__proto__' cannot be a column name`);
    if (seen.has(column)) throw new DataError(`${where}: column '${column}' appears twice in the header`);
    seen.add(column);
  });
  return names;
}
