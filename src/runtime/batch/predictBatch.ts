/**
 * One batch through the engine, turned into its output lines. Bad input lines and instances the engine
 * rejects become error lines; a batch whose call throws is split in halves until the instance that makes
 * it throw is isolated, so one poisonous instance costs its own line, not its whole batch.
 */
import type { ModelEngine, PredictOutcome } from '../serving/modelEngine';
import type { InputFile, InputItem, InputPosition } from './inputRecords';
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

/** Thrown when the engine fails on every instance of a batch: the model, not the data, is broken. */
export class EngineFailure extends Error {}

type Outcome = PredictOutcome | { thrown: string };

export async function predictBatch(engine: ModelEngine, batch: Batch, files: InputFile[]): Promise<BatchOutput> {
  const good = batch.items.filter((it): it is Extract<InputItem, { instance: unknown }> => 'instance' in it);
  const outcomes = good.length > 0 ? await predictIsolating(engine, good.map((it) => it.instance)) : [];
  if (good.length > 1 && outcomes.every((o) => 'thrown' in o)) {
    throw new EngineFailure(`the model failed on every instance of a batch: ${(outcomes[0] as { thrown: string }).thrown}`);
  }
  let results = '';
  let errors = '';
  let predicted = 0;
  let j = 0;
  for (const item of batch.items) {
    const where = `${files[item.file].name}:${item.line}`;
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
