/* global window, location, URLSearchParams */
// Stub of VS Code's webview API for the harness page. `acquireVsCodeApi()` works once (as in VS Code); the
// messages the panel posts are recorded in `harness.posted`; host messages are delivered the way VS Code
// delivers them, as `message` events on window (`harness.push(msg)` or a plain window.postMessage(msg)).
// With ?demo=<trials> or ?demo=run the page answers like a host with synthetic data, for manual checks.
(() => {
  'use strict';
  const posted = [];
  const listeners = [];
  let state;
  let acquired = false;
  const params = new URLSearchParams(location.search);
  if (params.has('state')) state = JSON.parse(params.get('state'));

  const harness = {
    posted,
    /** The last state the panel saved with setState. */
    get state() {
      return state;
    },
    /** Delivers a host message to the panel. */
    push(message) {
      window.postMessage(message, '*');
    },
    /** Posted messages of one type (and request method). */
    find(type, method) {
      return posted.filter((m) => m.type === type && (method === undefined || m.method === method));
    },
    /** Calls fn(message) for each later posted message. */
    onPost(fn) {
      listeners.push(fn);
    },
  };
  window.harness = harness;

  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        const copy = JSON.parse(JSON.stringify(message));
        posted.push(copy);
        for (const fn of listeners) fn(copy);
      },
      getState: () => state,
      setState(s) {
        state = JSON.parse(JSON.stringify(s));
        return s;
      },
    });
  };

  const demo = params.get('demo');
  if (!demo) return;

  // ── demo host: synthetic study or run ────────────────────────────────────
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const curve = (runId, epochs, final) =>
    Array.from({ length: epochs }, (_, i) => ({ step: i + 1, metrics: { loss: 1.5 * Math.exp(-i / 20) + 0.05 * rand(), accuracy: final * (1 - Math.exp(-(i + 1) / 15)) } }));
  function studyInit(n) {
    const trials = [];
    for (let i = 1; i <= n; i++) {
      const lr = 10 ** (-4 + 3 * rand());
      const units = 16 * (1 + Math.floor(rand() * 16));
      const optimizer = ['adam', 'sgd', 'rmsprop'][Math.floor(rand() * 3)];
      const objective = 0.95 - 0.1 * Math.abs(Math.log10(lr) + 2.5) + 0.02 * rand() - (optimizer === 'sgd' ? 0.05 : 0);
      const state = i > n - 8 ? 'running' : rand() < 0.1 ? 'stopped' : rand() < 0.03 ? 'failed' : 'completed';
      trials.push({
        trialId: String(i), state, runId: `run-${i}`, stoppedEarly: state === 'stopped',
        parameters: { learning_rate: lr, units, optimizer },
        objective: state === 'completed' || state === 'stopped' ? objective : undefined,
        lastValue: state === 'running' ? objective * 0.8 : undefined, step: state === 'running' ? 40 : 100,
        durationSeconds: 20 + 40 * rand(),
      });
    }
    return {
      type: 'init', target: { kind: 'study', workspace: '/demo', studyId: 'demo-study' },
      snapshot: {
        kind: 'study', live: true, trials,
        header: {
          studyId: 'demo-study', studyDir: '/demo/.modellab/studies/demo-study', name: 'demo study', state: 'RUNNING', interrupted: false,
          algorithm: 'ALGORITHM_UNSPECIFIED', goal: 'MAXIMIZE', metricTag: 'accuracy', maxTrials: n + 100, parallel: 8, createdAt: new Date().toISOString(),
          params: [
            { name: 'learning_rate', type: 'DOUBLE', min: 1e-4, max: 0.1, scale: 'UNIT_LOG_SCALE' },
            { name: 'units', type: 'INTEGER', min: 16, max: 256 },
            { name: 'optimizer', type: 'CATEGORICAL', values: ['adam', 'sgd', 'rmsprop'] },
          ],
        },
      },
    };
  }
  function runInit() {
    return {
      type: 'init', target: { kind: 'run', workspace: '/demo', runId: 'demo-run', runDir: '/demo/.modellab/runs/demo-run' },
      snapshot: {
        kind: 'run', live: true, points: curve('demo-run', 5, 0.9).map((p) => ({ step: p.step, metrics: { ...p.metrics, val_loss: p.metrics.loss * 1.1, val_accuracy: p.metrics.accuracy * 0.97 } })),
        progress: { phase: 'train', epoch: 5, epochs: 30, batch: 10, batches: 100 }, logTail: ['epoch 1', 'epoch 2', 'epoch 3', 'epoch 4', 'epoch 5'],
        header: {
          runId: 'demo-run', runDir: '/demo/.modellab/runs/demo-run', name: 'iris mlp', state: 'running', epochs: 30, epochsRun: 5,
          hyperparameters: { learning_rate: 0.01, units: 64 }, backend: { name: 'wasm', device: 'CPU (SIMD)' },
          signature: { inputs: [{ name: 'features', type: 'float32[4]' }], outputs: ['probabilities'], labels: ['setosa', 'versicolor', 'virginica'] },
          bundleDir: '/demo/.modellab/runs/demo-run/model',
        },
      },
    };
  }
  harness.onPost((m) => {
    if (m.type === 'ready') harness.push(demo === 'run' ? runInit() : studyInit(Number(demo) || 1000));
    if (m.type === 'request') {
      const result = m.method === 'curves' ? m.params.runIds.map((runId) => ({ runId, points: curve(runId, 60, 0.6 + 0.35 * rand()) })) : m.method === 'saveExport' ? { saved: true, path: `/tmp/${m.params.suggestedName}` } : { stopped: true, opened: true };
      harness.push({ type: 'response', id: m.id, ok: true, result });
    }
  });
})();
