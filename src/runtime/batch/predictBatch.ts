/**
 * One batch through the engine, turned into its output lines. Bad input lines and instances the engine
 * rejects become error lines; a batch whose call throws is split in halves until the instance that makes
 * it throw is isolated, so one poisonous instance costs its own line, not its whole batch.
 */
import type { ModelEngine, PredictOutcome } from '../serving/modelEngine';
import { shorten } from '../data/values';
import type { Batch, InputPosition, Segment } from './inputRecords';
import { engineMessage, errorLine, type LineError, resultLine } from './outputLines';

export type { Batch } from './inputRecords';

export interface BatchOutput {
  /** Output lines: text in this thread, UTF-8 bytes from an engine worker (see enginePool.ts). */
  results: string | Uint8Array;
  errors: string | Uint8Array;
  predicted: number;
  failed: number;
  bytes: number;
  /** The last input line of the batch. */
  last: InputPosition;
}

/** Where batches are predicted: the engine in this thread, or a pool of engine workers. */
export interface BatchPredictor {
  /** e.g. 'tfjs-wasm', or 'tfjs-wasm ×2 workers'. */
  readonly description: string;
  /** Batches are best handed over in groups of about this many rows (default: one batch at a time). */
  readonly groupRows?: number;
  /** Consecutive batches, one output promise each, in the same order. */
  predict(batches: Batch[], fileNames: string[]): Promise<BatchOutput>[];
  close(): Promise<void>;
}

export function inProcessPredictor(engine: ModelEngine): BatchPredictor {
  return {
    description: `${engine.framework}/${engine.runtime}`,
    predict: (batches, fileNames) => batches.map((batch) => predictBatch(engine, batch, fileNames)),
    close: () => engine.close(),
  };
}

/** Thrown when the engine fails on every instance of a batch: the model, not the data, is broken. */
export class EngineFailure extends Error {}

type Outcome = PredictOutcome | { thrown: string };

/** A record ready for the engine (`json`: its text, echoed in the output), or one that cannot be read. */
type Row = { file: number; line: number } & ({ json: string; instance: unknown } | { bad: string; text: string });

export async function predictBatch(engine: ModelEngine, batch: Batch, fileNames: string[]): Promise<BatchOutput> {
  const rows: Row[] = [];
  for (const segment of batch.segments) readSegment(segment, rows);
  const instances: unknown[] = [];
  for (const row of rows) if ('instance' in row) instances.push(row.instance);
  const outcomes = instances.length > 0 ? await predictIsolating(engine, instances) : [];
  if (instances.length > 1 && outcomes.every((o) => 'thrown' in o)) {
    throw new EngineFailure(`the model failed on every instance of a batch: ${(outcomes[0] as { thrown: string }).thrown}`);
  }
  let results = '';
  let errors = '';
  let predicted = 0;
  let j = 0;
  for (const row of rows) {
    if ('bad' in row) {
      errors += errorLine(JSON.stringify(row.text), { status: 'INVALID_ARGUMENT', message: `${fileNames[row.file]}:${row.line}: ${row.bad}` });
      continue;
    }
    const outcome = outcomes[j++];
    if ('prediction' in outcome) {
      results += resultLine(row.json, outcome.prediction);
      predicted++;
      continue;
    }
    const where = `${fileNames[row.file]}:${row.line}`;
    const error: LineError =
      'thrown' in outcome
        ? { status: 'INTERNAL', message: `${where}: the model failed on this instance: ${outcome.thrown}` }
        : { status: 'INVALID_ARGUMENT', message: `${where}: ${engineMessage(outcome.error)}` };
    errors += errorLine(row.json, error);
  }
  return { results, errors, predicted, failed: rows.length - predicted, bytes: batch.bytes, last: batch.last };
}

/**
 * The records of a segment. JSON Lines lines are decoded and parsed here, where the model runs: a
 * leading BOM on line 1 and a trailing '\r' dropped, blank lines skipped, a line that does not parse
 * reported with its text.
 */
function readSegment(segment: Segment, rows: Row[]): void {
  if ('items' in segment) {
    for (const item of segment.items) rows.push(item as Row);
    return;
  }
  const { file, firstLine, lines, text } = segment;
  let begin = 0;
  for (let k = 0; k < lines; k++) {
    const nl = text.indexOf('\n', begin);
    const end = nl < 0 ? text.length : nl;
    let line = text.slice(begin, end);
    begin = end + 1;
    const number = firstLine + k;
    // Line 1 may start with a byte order mark (a decoder would drop one, and then the reader did).
    if (number === 1 && line.charCodeAt(0) === 0xfeff) line = line.charCodeAt(1) === 0xfeff ? line.slice(2) : line.slice(1);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    try {
      rows.push({ file, line: number, json: line, instance: JSON.parse(line) });
    } catch (err) {
      rows.push({ file, line: number, bad: `invalid JSON (${shorten((err as Error).message, 80)})`, text: line });
    }
  }
}

async function predictIsolating(engine: ModelEngine, instances: unknown[]): Promise<Outcome[]> {
  try {
    const outcomes = await engine.predict(instances);
    if (outcomes.length !== instances.length) {
      throw new Error(`the engine answered ${outcomes.length} outcomes for ${instances.length} instances`);
    }
    return outcomes;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (instances.length === 1) return [{ thrown: message }];
    const half = Math.ceil(instances.length / 2);
    return [...(await predictIsolating(engine, instances.slice(0, half))), ...(await predictIsolating(engine, instances.slice(half)))];
  }
}
