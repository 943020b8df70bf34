/**
 * The instances of a batch job, streamed from its input files in order, each with the file and line it
 * came from. Lines that cannot be read are yielded too (as `bad`), so the job can report them and go on.
 */
import { stat } from 'node:fs/promises';
import { readBytes } from '../data/openDataFile';
import { readDataFile } from '../data/readDataFile';
import { resolveSource, type SourceFile } from '../data/readSource';

export interface InputFile extends SourceFile {
  /** Size on disk, for the progress estimate and to tell on resume that the input is the same. */
  bytes: number;
}

/** Where a record is: input file index (in job order) and 1-based line. */
export interface InputPosition {
  file: number;
  line: number;
}

/**
 * A JSON Lines instance travels as its text (`json`) and is parsed where the model runs, so that with
 * engine workers the main thread never parses; a CSV record comes parsed (`instance`) with its JSON.
 */
export type InputItem = InputPosition & {
  /** Approximate bytes of input this item covers, for progress. */
  bytes: number;
} & ({ json: string; instance?: unknown } | { bad: string; text: string });

export async function resolveInputs(patterns: string[], baseDir: string): Promise<InputFile[]> {
  const files = await resolveSource(patterns, baseDir);
  return Promise.all(files.map(async (f) => ({ ...f, bytes: (await stat(f.path)).size })));
}

/**
 * Items after `from` (exclusive): the files before it are not opened, its own lines up to it are skipped.
 * Items come in arrays (one per chunk read) because an await per line costs more than parsing the line.
 */
export async function* readInputItems(files: InputFile[], from?: InputPosition): AsyncGenerator<InputItem[]> {
  for (let i = from?.file ?? 0; i < files.length; i++) {
    const after = from && i === from.file ? from.line : 0;
    yield* files[i].format === 'jsonl' ? readJsonValues(files[i], i, after) : readCsvRecords(files[i], i, after);
  }
}

/**
 * JSON Lines as Vertex AI reads them: any JSON value per line (an object for Model Lab bundles, an array
 * for tensor models), so the dataset reader, which accepts only flat records, is not the right one here.
 * Lines are split on '\n' (a trailing '\r' dropped) from the shared byte reader, which handles .gz.
 */
async function* readJsonValues(file: InputFile, index: number, after: number): AsyncGenerator<InputItem[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let line = 0;
  const parse = (text: string, out: InputItem[]) => {
    line++;
    if (line <= after) return;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const bytes = text.length + 1;
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.trim() === '') return;
    out.push({ file: index, line, bytes, json: text });
  };
  for await (const chunk of readBytes(file.path, file.name)) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const out: InputItem[] = [];
    let begin = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', begin)) {
      parse(text.slice(begin, nl), out);
      begin = nl + 1;
    }
    carry = text.slice(begin);
    if (out.length > 0) yield out;
  }
  const out: InputItem[] = [];
  const rest = carry + decoder.decode();
  if (rest !== '') parse(rest, out);
  if (out.length > 0) yield out;
}

/** CSV through the dataset reader: a header row, one object instance per record, typed as training reads them. */
async function* readCsvRecords(file: InputFile, index: number, after: number): AsyncGenerator<InputItem[]> {
  let out: InputItem[] = [];
  for await (const item of readDataFile(file)) {
    if ('bad' in item) {
      if (item.bad.line > after) out.push({ file: index, line: item.bad.line, bytes: item.bad.text.length + 1, bad: item.bad.reason, text: item.bad.text });
    } else if (item.origin.line > after) {
      out.push({ file: index, line: item.origin.line, bytes: item.text.length + 1, instance: item.record, json: JSON.stringify(item.record) });
    }
    if (out.length >= 256) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
