/**
 * The reporting API of trainer modules: `ctx.report(tag, value)` adds a metric to the epoch being
 * trained, and `ctx.onEpochEnd(hook)` runs the module's code at the end of each epoch (to compute a
 * metric of its own on the model, say). Reported values join the epoch's metrics, so they reach
 * metrics.jsonl, TensorBoard, the run/epoch notifications, and therefore HyperTune: a study whose
 * `hyperparameterMetricTag` is a reported tag (e.g. `training/hptuning/metric`) tunes on it.
 * The step of a reported value is the epoch, as for every metric the engine reports itself.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

export type EpochHook = (epoch: number, logs: Readonly<Record<string, number>>, model: tfl.LayersModel) => void | Promise<void>;

export interface TrainerReporting {
  /** Adds `tag = value` to the metrics of the epoch being trained (or just ended, from a hook). */
  report(tag: string, value: number): void;
  /** Runs `hook` after each epoch, before its metrics are recorded. */
  onEpochEnd(hook: EpochHook): void;
}

export class TrainerReports implements TrainerReporting {
  private pending: Record<string, number> = {};
  private readonly hooks: EpochHook[] = [];

  readonly report = (tag: string, value: number): void => {
    if (typeof tag !== 'string' || tag === '') throw new Error('ctx.report(tag, value): tag must be a non-empty string');
    if (typeof value !== 'number') throw new Error(`ctx.report('${tag}', value): value must be a number, got ${typeof value}`);
    this.pending[tag] = value;
  };

  readonly onEpochEnd = (hook: EpochHook): void => {
    if (typeof hook !== 'function') throw new Error('ctx.onEpochEnd(hook): hook must be a function');
    this.hooks.push(hook);
  };

  /** Runs the hooks, then returns the epoch's logs with every reported value added (reported win). */
  async endEpoch(epoch: number, logs: Record<string, number>, model: tfl.LayersModel): Promise<Record<string, number>> {
    for (const hook of this.hooks) await hook(epoch, logs, model);
    const merged = { ...logs, ...this.pending };
    this.pending = {};
    return merged;
  }
}
