/**
 * One batch through the engine, turned into its output lines. Bad input lines and instances the engine
 * rejects become error lines; a batch whose call throws is split in halves until the instance that makes
 * it throw is isolated, so one poisonous instance costs its own line, not its whole batch.
 */
import type { ModelEngine, PredictOutcome } from '../serving/modelEngine';
import { shorten } from '../data/values';
import type { InputItem, InputPosition } from './inputRecords';
import { engineMessage, errorLine, type LineError, resultLine } from './outputLines';

export interface Batch {
  items: InputItem[];
  /** Input bytes the batch covers (progress). */
  bytes: number;
}

export interface BatchOutput {
  results: string;
  errors: string;
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
  predict(batch: Batch, fileNames: string[]): Promise<BatchOutput>;
  close(): Promise<void>;
}

export function inProcessPredictor(engine: ModelEngine): BatchPredictor {
  return {
    description: `${engine.framework}/${engine.runtime}`,
    predict: (batch, fileNames) => predictBatch(engine, batch, fileNames),
    close: () => engine.close(),
  };
}

/** Thrown when the engine fails on every instance of a batch: the model, not the data, is broken. */
export class EngineFailure extends Error {}

type Outcome = PredictOutcome | { thrown: string };

type ReadyItem = InputItem & ({ json: string; instance: unknown } | { bad: string; text: string });

export async function predictBatch(engine: ModelEngine, batch: Batch, fileNames: string[]): Promise<BatchOutput> {
  const items = batch.items.map(parseItem);
  const good = items.filter((it): it is Extract<ReadyItem, { instance: unknown }> => 'instance' in it);
  const outcomes = good.length > 0 ? await predictIsolating(engine, good.map((it) => it.instance)) : [];
  if (good.length > 1 && outcomes.every((o) => 'thrown' in o)) {
    throw new EngineFailure(`the model failed on every instance of a batch: ${(outcomes[0] as { thrown: string }).thrown}`);
  }
  let results = '';
  let errors = '';
  let predicted = 0;
  let j = 0;
  for (const item of items) {
    const where = `${fileNames[item.file]}:${item.line}`;
    let error: LineError | undefined;
    if ('bad' in item) {
      error = { status: 'INVALID_ARGUMENT', message: `${where}: ${item.bad}` };
      errors += errorLine(JSON.stringify(item.text), error);
      continue;
    }
    const outcome = outcomes[j++];
    if ('prediction' in outcome) {
      results += resultLine(item.json, outcome.prediction);
      predicted++;
      continue;
    }
    error =
      'thrown' in outcome
        ? { status: 'INTERNAL', message: `${where}: the model failed on this instance: ${outcome.thrown}` }
        : { status: 'INVALID_ARGUMENT', message: `${where}: ${engineMessage(outcome.error)}` };
    errors += errorLine(item.json, error);
  }
  const lastItem = batch.items[batch.items.length - 1];
  return { results, errors, predicted, failed: batch.items.length - predicted, bytes: batch.bytes, last: { file: lastItem.file, line: lastItem.line } };
}

/** JSON Lines items arrive as text: parse them here, where the model runs. */
function parseItem(item: InputItem): ReadyItem {
  if ('bad' in item || item.instance !== undefined) return item as ReadyItem;
  try {
    // Set in place: a copy per instance is garbage the collector then spends time on.
    item.instance = JSON.parse(item.json);
    return item as ReadyItem;
  } catch (err) {
    return { file: item.file, line: item.line, bytes: item.bytes, bad: `invalid JSON (${shorten((err as Error).message, 80)})`, text: item.json };
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
