/**
 * The files a batch prediction job writes, named as Vertex AI names them for custom-trained models
 * (Beam's `WriteToText` shard naming): `prediction.results-00000-of-00002`,
 * `prediction.errors_stats-00000-of-00002`. See notes/cloudml-formats.md §4.
 */
import { join } from 'node:path';

export type ShardKind = 'results' | 'errors_stats';

/** The progress journal: ours, not Vertex's; it is what makes a stopped or crashed job resumable. */
export const JOURNAL_FILE = 'prediction.progress.jsonl';

export function shardName(kind: ShardKind, index: number, count: number): string {
  return `prediction.${kind}-${pad5(index)}-of-${pad5(count)}`;
}

export function shardPaths(dir: string, kind: ShardKind, count: number): string[] {
  return Array.from({ length: count }, (_, i) => join(dir, shardName(kind, i, count)));
}

/** Any file this command writes, whatever the shard count (to spot a folder another job wrote into). */
export function isBatchOutputName(name: string): boolean {
  return name === JOURNAL_FILE || /^prediction\.(results|errors_stats)-\d{5}-of-\d{5}$/.test(name);
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}
