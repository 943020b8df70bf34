// Experiment panels and the Runs & Studies tree in a real VS Code extension host. The CLI trains a run and
// tunes a study into a scratch folder of the test workspace; the tree lists them (trial runs only under
// their study); Open Panel opens a webview tab whose page really loads and says `ready` (CSP, nonce, bundle);
// a second Open reveals the same tab; a run this window "runs" (the real JobTracker fed the runtime's
// notification shapes) streams into its panel; the serializer's restore path reattaches a panel.
'use strict';
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { waitFor } = require('./waitFor');

const EXTENSION_ID = 'model-lab.model-lab';
const VIEW_TYPE = 'modelLab.experiment';
const workspace = process.env.MODELLAB_TEST_WORKSPACE;
/** Everything this suite writes goes here (removed at the end, so other suites see the plain example). */
const scratch = () => path.join(workspace, 'panels-suite');
// Not `modellab.yaml`: other suites count the workspace's modellab.yaml files.
const spec = () => path.join(scratch(), 'iris.modellab.yaml');

/**
 * The model-lab CLI with this host's Node (VS Code's Electron runs as Node with ELECTRON_RUN_AS_NODE).
 * Asynchronous: a synchronous child would block the extension host (and its file watcher) meanwhile.
 */
function cli(root, args) {
  return promisify(execFile)(process.execPath, [path.join(root, 'bin', 'model-lab.js'), ...args], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The next message a panel sends its page that satisfies `match` (rejects after `timeoutMs`). */
function nextPost(panel, match, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching message to the page within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = panel.onDidPost((m) => {
      if (!match(m)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve({ message: m, at: Date.now() });
    });
  });
}

function experimentTabs() {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

describe('Experiment panels and the Runs & Studies tree', function () {
  this.timeout(180_000);
  let services;
  let root;
  let runDir;
  let studyDir;

  before(async () => {
    assert.ok(workspace, 'MODELLAB_TEST_WORKSPACE is not set');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    services = (ext.isActive ? ext.exports : await ext.activate()).services;
    root = ext.extensionPath;
    // The Runs & Studies view open, as a user would have it.
    await vscode.commands.executeCommand('modelLab.runs.focus');
    fs.mkdirSync(scratch(), { recursive: true });
    fs.copyFileSync(path.join(workspace, 'iris.csv'), path.join(scratch(), 'iris.csv'));
    fs.copyFileSync(path.join(workspace, 'modellab.yaml'), spec());
    await cli(root, ['tune', spec(), '--set', 'training.epochs=3', '--seed', '2']);
    await cli(root, ['train', spec(), '--set', 'training.epochs=4']);
    const lab = path.join(scratch(), '.modellab');
    const studyId = fs.readdirSync(path.join(lab, 'studies'))[0];
    studyDir = path.join(lab, 'studies', studyId);
    const standalone = fs.readdirSync(path.join(lab, 'runs')).filter((id) => !id.startsWith(`${studyId}-t`));
    assert.equal(standalone.length, 1);
    runDir = path.join(lab, 'runs', standalone[0]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(scratch(), { recursive: true, force: true });
  });

  it('lists the run and the study, the trials’ runs only under their study', async () => {
    const tree = services.runsTree;
    assert.ok(tree, 'services.runsTree is not set');
    const roots = await waitFor('the run and the study in the tree', async () => {
      const nodes = await tree.getChildren();
      const mine = nodes.filter((n) => n.dir === runDir || n.dir === studyDir);
      return mine.length === 2 ? nodes : undefined;
    });
    const run = roots.find((n) => n.dir === runDir);
    const study = roots.find((n) => n.dir === studyDir);
    assert.equal(tree.getTreeItem(run).contextValue, 'run-succeeded');
    assert.equal(tree.getTreeItem(study).contextValue, 'study-succeeded');
    assert.match(String(tree.getTreeItem(study).description), /^succeeded · best [\d.]+ · 8\/8 trials/);
    assert.ok(!roots.some((n) => n.kind === 'run' && n.id.startsWith(`${study.id}-t`)), 'a trial run is listed as a standalone run');
    const trials = await tree.getChildren(study);
    assert.equal(trials.length, 8);
    const [trialRun] = await tree.getChildren(trials[0]);
    assert.equal(trialRun.kind, 'run');
    assert.equal(trialRun.id, trials[0].row.runId);
    const trialRecord = JSON.parse(fs.readFileSync(path.join(trialRun.dir, 'run.json'), 'utf8'));
    assert.equal(tree.getTreeItem(trialRun).contextValue, `run-${trialRecord.status}`);
    // The element is the commands' JobRef.
    assert.deepEqual({ kind: run.kind, id: run.id, workspace: run.workspace, dir: run.dir }, { kind: 'run', id: path.basename(runDir), workspace: scratch(), dir: runDir });
  });

  it('Open Panel opens one webview tab per target, whose page loads and gets its snapshot', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const runNode = (await services.runsTree.getChildren()).find((n) => n.dir === runDir);
    await vscode.commands.executeCommand('modelLab.openPanel', runNode);
    await waitFor('the run panel’s tab', () => experimentTabs().length === 1);
    assert.equal(experimentTabs()[0].label, `Run ${runNode.id}`);
    const target = { kind: 'run', workspace: scratch(), runId: runNode.id, runDir };
    const panel = services.experimentPanels.get(target);
    assert.ok(panel, 'no panel for the run');
    // `ready` comes from the webview bundle itself: it loaded under the CSP and its nonce.
    await waitFor('the webview to say ready and get init', () => panel.inits >= 1, 30_000);
    const snapshot = panel.snapshot();
    assert.equal(snapshot.kind, 'run');
    assert.equal(snapshot.header.state, 'succeeded');
    assert.equal(snapshot.points.length, 4);
    assert.ok(snapshot.header.signature && snapshot.header.signature.inputs.length === 4);

    await vscode.commands.executeCommand('modelLab.openPanel', runNode);
    assert.equal(experimentTabs().length, 1, 'opening again reveals the same panel');
    const studyNode = (await services.runsTree.getChildren()).find((n) => n.dir === studyDir);
    await vscode.commands.executeCommand('modelLab.openPanel', studyNode);
    await waitFor('the study panel’s tab', () => experimentTabs().length === 2);
    const study = services.experimentPanels.get({ kind: 'study', workspace: scratch(), studyId: studyNode.id });
    assert.equal(study.snapshot().trials.length, 8);
    assert.equal(study.snapshot().header.state, 'SUCCEEDED');
    // Stop is for jobs this window runs: this run was trained by the CLI.
    const refused = nextPost(panel, (m) => m.type === 'response' && m.id === 1);
    await panel.handleMessage({ type: 'request', id: 1, method: 'stopRun', params: {} });
    const stop = (await refused).message;
    assert.equal(stop.ok, false);
    assert.match(stop.error, /not running in this window/);
    // Hidden behind the study, the run's page was dropped (no retainContextWhenHidden): shown again, it
    // loads anew and gets a fresh snapshot.
    const before = panel.inits;
    await vscode.commands.executeCommand('modelLab.openPanel', runNode);
    await waitFor('the re-shown page to say ready again', () => panel.inits > before, 30_000);
  });

  it('a run this window runs streams its epochs and log into the open panel; Delete refuses it meanwhile', async () => {
    const runId = 'panels-suite-live';
    const dir = path.join(scratch(), '.modellab', 'runs', runId);
    fs.cpSync(runDir, dir, { recursive: true });
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...record, runId, status: 'running', pid: process.pid, result: undefined, endedAt: undefined }));
    const job = services.jobs.trackRun({ id: runId, label: 'iris', workspace: scratch(), specFile: spec() });
    try {
      job.handlers.onStarted({ runId, runDir: dir, specFile: spec() });
      const target = { kind: 'run', workspace: scratch(), runId, runDir: dir };
      await services.panels.open(target);
      const panel = services.experimentPanels.get(target);
      assert.equal(panel.snapshot().live, true);
      const sent = Date.now();
      job.handlers.onEpoch({ runId, epoch: 5, epochs: 10, metrics: { loss: 0.25, val_accuracy: 0.9 }, improved: true, elapsedSeconds: 1 });
      job.handlers.onProgress({ runId, phase: 'training', epoch: 6, epochs: 10, batch: 3, batches: 8, loss: 0.2 });
      job.handlers.onLog({ runId, level: 'info', message: 'live log line' });
      const snap = panel.snapshot();
      assert.deepEqual(snap.points.map((p) => p.step), [1, 2, 3, 4, 5]);
      assert.equal(snap.progress.batch, 3);
      assert.match(snap.logTail[snap.logTail.length - 1], /\[info\] live log line$/);
      assert.ok(Date.now() - sent < 200);

      const ref = { kind: 'run', id: runId, workspace: scratch(), dir };
      await vscode.commands.executeCommand('modelLab.deleteRunOrStudy', ref);
      assert.ok(fs.existsSync(dir), 'a running run was deleted');

      fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ ...record, runId }));
      job.end({ runId, runDir: dir, status: 'succeeded', metrics: {}, epochsRun: 5, bestEpoch: 5, stoppedEarly: false });
      await waitFor('the panel to leave live mode', () => !panel.snapshot().live && panel.snapshot().header.state === 'succeeded', 5000);
    } finally {
      if (services.jobs.isLive('run', runId)) job.end(undefined, 'test ended');
    }
  });

  it('a study this window runs: its notifications (the runtime’s own, from tune --json) fill the open panel', async () => {
    const { stdout } = await cli(root, ['tune', spec(), '--set', 'training.epochs=2', '--seed', '5', '--json']);
    const stream = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const result = stream.find((m) => m.type === 'result');
    // Nothing tells the tree about this study but its own watching (the file watcher, or — should the
    // watcher drop events on a busy machine — its rescan every 30 s while the view is visible).
    await waitFor('the CLI’s new study in the tree', async () => (await services.runsTree.getChildren()).some((n) => n.dir === result.studyDir), 45_000);
    // The same study, started in this window: its panel opens on the first notification, possibly before
    // the runtime has written the folder; then the folder says RUNNING (in this process), no trials yet.
    const studyId = 'panels-suite-live-study';
    const dir = path.join(scratch(), '.modellab', 'studies', studyId);
    const record = JSON.parse(fs.readFileSync(path.join(result.studyDir, 'study.json'), 'utf8'));
    const job = services.jobs.trackStudy({ id: studyId, label: 'iris', workspace: scratch(), specFile: spec() });
    try {
      const target = { kind: 'study', workspace: scratch(), studyId };
      await services.panels.open(target);
      const panel = services.experimentPanels.get(target);
      assert.equal(panel.snapshot().live, true);
      assert.equal(panel.snapshot().header.state, 'RUNNING', 'a live study without its folder yet shows as starting');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'study.json'), JSON.stringify({ ...record, studyId, state: 'RUNNING', pid: process.pid, best: undefined, endedAt: undefined }));
      fs.writeFileSync(path.join(dir, 'trials.jsonl'), '');
      assert.equal(panel.snapshot().trials.length, 0);
      const h = job.handlers;
      for (const m of stream) {
        const params = { ...m, studyId };
        if (m.type === 'study') h.onState({ ...params, studyDir: dir });
        else if (m.type === 'suggestion') h.onSuggestion(params);
        else if (m.type === 'trialState') h.onTrialState(params);
        else if (m.type === 'measurement') h.onMeasurement(params);
      }
      const snap = panel.snapshot();
      assert.equal(snap.header.state, 'SUCCEEDED');
      assert.deepEqual(snap.header.params.map((p) => p.name), ['learning_rate', 'hidden_units'], 'study.json’s parameters, read once it existed');
      assert.equal(snap.trials.length, 8);
      const expected = new Map(result.trainingOutput.trials.map((t) => [t.trialId, t]));
      for (const row of snap.trials) {
        assert.equal(row.state, 'completed');
        assert.equal(row.objective, expected.get(row.trialId).finalMetric.objectiveValue, `trial ${row.trialId}`);
      }
      assert.equal(snap.header.best.objective, result.trainingOutput.trials[0].finalMetric.objectiveValue);
      // The page subscribes to a trial's curve: a new measurement reaches it within the 200 ms budget.
      const trialRun = snap.trials.find((t) => t.trialId === '1').runId;
      // Changes wait for the page to be ready (its init snapshot supersedes them); give it a moment to send
      // its own subscription first, which ours then replaces.
      await waitFor('the study page to say ready', () => panel.inits >= 1, 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      await panel.handleMessage({ type: 'setCurveSubscription', runIds: [trialRun] });
      const arrived = nextPost(panel, (m) => m.type === 'curves/append' && m.series.some((s) => s.runId === trialRun && s.points.some((p) => p.step === 99)));
      const sentAt = Date.now();
      h.onMeasurement({ studyId, trialId: '1', runId: trialRun, tag: 'val_accuracy', step: 99, value: 0.5, metrics: { val_accuracy: 0.5 } });
      const latency = (await arrived).at - sentAt;
      assert.ok(latency < 200, `the point took ${latency} ms`);
      // A request for the history answers with the run's metrics.jsonl, by id.
      const answer = nextPost(panel, (m) => m.type === 'response' && m.id === 7);
      await panel.handleMessage({ type: 'request', id: 7, method: 'curves', params: { runIds: [trialRun] } });
      const response = (await answer).message;
      assert.equal(response.ok, true, response.error);
      assert.equal(response.result[0].trialId, '1');
      assert.deepEqual(response.result[0].points.map((p) => p.step), [1, 2]);
      // The files catch up; the job ends; the panel goes back to the files without a change.
      fs.copyFileSync(path.join(result.studyDir, 'trials.jsonl'), path.join(dir, 'trials.jsonl'));
      fs.writeFileSync(path.join(dir, 'study.json'), JSON.stringify({ ...record, studyId }));
      job.end(undefined, undefined);
      await waitFor('the panel to leave live mode', () => !panel.snapshot().live, 5000);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(panel.snapshot().trials.map((t) => [t.trialId, t.state, t.objective]), snap.trials.map((t) => [t.trialId, t.state, t.objective]));
    } finally {
      if (services.jobs.isLive('study', studyId)) job.end(undefined, 'test ended');
    }
  });

  it('the serializer reattaches a restored panel to its target (and drops one without a target)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the tabs to close', () => experimentTabs().length === 0);
    const target = { kind: 'run', workspace: scratch(), runId: path.basename(runDir), runDir };
    assert.equal(services.experimentPanels.get(target), undefined);
    const restored = vscode.window.createWebviewPanel(VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
    await services.experimentPanels.deserializeWebviewPanel(restored, { target });
    const panel = services.experimentPanels.get(target);
    assert.ok(panel, 'the restored panel is not attached');
    await waitFor('the restored page to say ready', () => panel.inits >= 1, 30_000);
    assert.equal(panel.snapshot().header.runId, target.runId);
    const stray = vscode.window.createWebviewPanel(VIEW_TYPE, 'stray', vscode.ViewColumn.Active, {});
    let disposed = false;
    stray.onDidDispose(() => (disposed = true));
    await services.experimentPanels.deserializeWebviewPanel(stray, undefined);
    assert.equal(disposed, true);
  });
});
