/**
 * A run folder as the panel shows it: run.json → `RunHeader` (with the bundle's signature from
 * model/modellab.json), metrics.jsonl events → `EpochPoint`s, log.txt → its last lines. Plain Node.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochPoint, RunHeader, RunState } from '../../protocol/webviewProtocol';
import type { MetricsEvent } from '../../runtime/runs/runFolder';
import { LOG_FILE, METRICS_FILE, MODEL_DIR, RUN_FILE, type RunRecord } from '../../runtime/runs/runRecord';
import { parseJsonLines } from '../../runtime/util/jsonLines';
import { FileTail, readLastLines } from './fileTail';
import { ownerGone } from './processCheck';

export const LOG_TAIL_LINES = 200;

/** The parts of a bundle manifest (model/modellab.json) the panel shows; other bundle kinds may lack them. */
interface BundleManifest {
  signature?: { rawInputs?: { name: string; type: string }[]; outputs?: { name: string }[] };
  labels?: string[];
}

export async function readRunRecordAsync(runDir: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(runDir, RUN_FILE), 'utf8')) as RunRecord;
}

/**
 * The run's state for display: a run recorded as running whose process on this machine is gone shows
 * as failed (the runtime's readers fix the file itself; a view only reads).
 */
export function displayRunState(record: Pick<RunRecord, 'status' | 'hostname' | 'pid'>, live: boolean): RunState {
  if (record.status === 'running' && !live && ownerGone(record)) return 'failed';
  return record.status;
}

export async function readRunHeader(runDir: string, live: boolean): Promise<RunHeader> {
  const record = await readRunRecordAsync(runDir);
  const header: RunHeader = {
    runId: record.runId,
    runDir,
    name: record.name,
    specFile: record.specFile,
    state: displayRunState(record, live),
    startedAt: record.createdAt,
    endedAt: record.endedAt,
    hyperparameters: record.hyperparameters ?? {},
  };
  const epochs = (record.spec as { training?: { epochs?: unknown } } | undefined)?.training?.epochs;
  if (typeof epochs === 'number') header.epochs = epochs;
  if (record.backend) header.backend = { name: record.backend.name, device: record.backend.device };
  if (record.result) {
    header.epochsRun = record.result.epochsRun;
    header.bestEpoch = record.result.bestEpoch;
    header.stoppedEarly = record.result.stoppedEarly;
    if (record.result.bundleDir) header.bundleDir = record.result.bundleDir;
  }
  if (header.state === 'failed' && record.status === 'running') header.error = `the process that ran it (pid ${record.pid}) is gone`;
  else if (record.error) header.error = record.error;
  const bundleDir = header.bundleDir ?? join(runDir, MODEL_DIR);
  const signature = await readSignature(bundleDir);
  if (signature) {
    header.signature = signature;
    header.bundleDir = bundleDir;
  }
  return header;
}

async function readSignature(bundleDir: string): Promise<RunHeader['signature']> {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await readFile(join(bundleDir, 'modellab.json'), 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
  const sig = manifest.signature;
  if (!sig) return undefined;
  const out: NonNullable<RunHeader['signature']> = {
    inputs: (sig.rawInputs ?? []).map((i) => ({ name: i.name, type: i.type })),
    outputs: (sig.outputs ?? []).map((o) => o.name),
  };
  if (manifest.labels) out.labels = [...manifest.labels];
  return out;
}

/** Epoch points of metrics.jsonl events (status events are not points). */
export function pointsOf(events: readonly MetricsEvent[]): EpochPoint[] {
  const points: EpochPoint[] = [];
  for (const e of events) if (e.type === 'epoch') points.push({ step: e.epoch, metrics: e.metrics });
  return points;
}

/** Follows a run's metrics.jsonl from where it was last read: new points, and whether its state changed. */
export class MetricsFollower {
  private readonly tail: FileTail;
  /** Highest step handed out: a point is sent once, whichever source (file or live event) saw it first. */
  lastStep = 0;

  constructor(runDir: string) {
    this.tail = new FileTail(join(runDir, METRICS_FILE));
  }

  async read(): Promise<{ points: EpochPoint[]; statusChanged: boolean }> {
    const { lines, reset } = await this.tail.read();
    if (reset) this.lastStep = 0;
    const events = parseJsonLines<MetricsEvent>(lines);
    return { points: this.fresh(pointsOf(events)), statusChanged: events.some((e) => e.type === 'status') };
  }

  /** Starts after what the file holds now (its history is read separately). */
  skipToEnd(): Promise<void> {
    return this.tail.skipToEnd();
  }

  /** Keeps only points past the last one handed out, and moves the mark. */
  fresh(points: readonly EpochPoint[]): EpochPoint[] {
    const out = points.filter((p) => p.step > this.lastStep);
    if (out.length) this.lastStep = out[out.length - 1].step;
    return out;
  }
}

/** Follows log.txt: new lines since the last read. */
export class LogFollower {
  private readonly tail: FileTail;
  constructor(runDir: string) {
    this.tail = new FileTail(join(runDir, LOG_FILE));
  }
  /** The snapshot's last lines; later reads return what follows them. */
  async initial(count = LOG_TAIL_LINES): Promise<string[]> {
    await this.tail.skipToEnd();
    return readLastLines(this.tail.file, count);
  }
  async read(): Promise<string[]> {
    return (await this.tail.read()).lines;
  }
  skipToEnd(): Promise<void> {
    return this.tail.skipToEnd();
  }
}

/** Full metric histories of runs (a study's selected trials): reads only the runs asked for. */
export async function readRunPoints(runDir: string): Promise<EpochPoint[]> {
  const tail = new FileTail(join(runDir, METRICS_FILE));
  return pointsOf(parseJsonLines<MetricsEvent>((await tail.read()).lines));
}
