/**
 * A trial of a spec-defined model (layers or a trainer module): one run, trained in a warm worker of the
 * pool through the runtime protocol. A worker that dies under the trial (process.exit in a trainer,
 * out of memory, a kill after a hang) fails only this trial; the pool replaces the worker.
 */
import type { BackendRequest, TrainParams } from '../../protocol/runtimeProtocol';
import { type RuntimeClient, RuntimeExitedError } from '../../runtime-client/runtimeClient';
import type { HyperparameterValues } from '../spec/jobSpec';
import { type GpuSlot, tryAcquireGpuSlot } from '../backend/gpuSlots';
import { probeWebGpu } from '../backend/webgpuBackend';
import type { StepMetrics, TrialHandle, TrialOutcome } from './trialRunner';
import type { WorkerPool } from './workerPool';

export interface SpecTrialOptions {
  specFile: string;
  workspace: string;
  runId: string;
  overrides: string[];
  hyperparameters: HyperparameterValues;
  backend?: BackendRequest;
  onStep(step: StepMetrics): void;
}

/**
 * Parallel trials share one GPU through slots (MODELLAB_GPU_TRIALS, default 1): a trial that would
 * train on the GPU takes a slot, and when none is free it trains on wasm instead of crowding the GPU.
 */
async function claimBackend(options: SpecTrialOptions): Promise<{ backend?: BackendRequest; slot?: GpuSlot }> {
  const requested = options.backend ?? 'auto';
  const wouldUseGpu = requested === 'webgpu' || (requested === 'auto' && (await probeWebGpu()).adapters[0]?.software === false);
  if (!wouldUseGpu) return { backend: options.backend };
  const slot = tryAcquireGpuSlot({ workspace: options.workspace, owner: options.runId });
  return slot ? { backend: options.backend, slot } : { backend: 'wasm' };
}

export function startSpecTrial(pool: WorkerPool, options: SpecTrialOptions): TrialHandle {
  let worker: RuntimeClient | undefined;
  let cancelled = false;
  let killed = false;
  let markRunning: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (markRunning = resolve));

  const run = async (): Promise<TrialOutcome> => {
    try {
      worker = await pool.acquire();
    } catch (err) {
      return { status: 'failed', error: `no worker process could be started: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      markRunning();
    }
    // Asked to stop while a worker was being found: nothing ran.
    if (cancelled || killed) {
      pool.release(worker);
      return { status: killed ? 'failed' : 'cancelled' };
    }
    const { backend, slot } = await claimBackend(options);
    const params: TrainParams = {
      specFile: options.specFile,
      workspace: options.workspace,
      runId: options.runId,
      overrides: options.overrides,
      hyperparameters: options.hyperparameters,
      backend,
    };
    try {
      const result = await worker.train(params, { onEpoch: (p) => options.onStep({ step: p.epoch, metrics: p.metrics }) });
      pool.release(worker);
      if (result.status === 'succeeded') return { status: 'completed' };
      if (result.status === 'cancelled') return { status: 'cancelled' };
      return { status: 'failed', error: result.error ?? 'the run failed (see its log.txt)' };
    } catch (err) {
      pool.release(worker);
      if (err instanceof RuntimeExitedError) {
        const how = err.signal ? `signal ${err.signal}` : `exit code ${err.code}`;
        return { status: 'failed', error: killed ? 'the trial did not stop when asked; its worker was killed' : `the trial's worker process died (${how}); a fresh worker takes its place` };
      }
      // A spec these hyperparameters make invalid (or another refusal before the run started).
      return { status: 'failed', error: err instanceof Error ? err.message : String(err) };
    } finally {
      slot?.release();
    }
  };

  return {
    done: run(),
    running,
    cancel() {
      cancelled = true;
      if (worker?.isRunning) void worker.cancel(options.runId).catch(() => undefined);
    },
    kill() {
      killed = true;
      if (worker?.isRunning) pool.kill(worker);
    },
  };
}
