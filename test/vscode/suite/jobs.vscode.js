// Job commands, the runtime child and job-spec editing, in a real VS Code extension host. The workspace is a
// copy of examples/iris (MODELLAB_TEST_WORKSPACE); Train and Tune really train (TensorFlow.js in the runtime child).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { waitFor } = require('./waitFor');

const EXTENSION_ID = 'model-lab.model-lab';
const workspace = process.env.MODELLAB_TEST_WORKSPACE;
const irisSpec = () => vscode.Uri.file(path.join(workspace, 'modellab.yaml'));
/** Files this suite writes into the workspace (removed at the end, so other suites see the plain example). */
const scratch = () => path.join(workspace, 'jobs-suite');

async function api() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  return ext.isActive ? ext.exports : ext.activate();
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

function findFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? findFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `pid`, from /proc (Linux). */
function descendants(pid) {
  const parents = new Map();
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      // The command name may contain spaces and parentheses: the fields after its last ')' are fixed.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Starts a long Train without waiting; resolves once its first epoch has been reported. */
async function startLongTrain(services) {
  const outcome = vscode.commands.executeCommand('modelLab.train', irisSpec(), {
    overrides: ['training.epochs=100000', 'training.earlyStopping.patience=100000'],
  });
  const job = await waitFor('the run to be tracked', () => services.jobs.running().find((j) => j.kind === 'run'));
  await new Promise((resolve) => {
    const sub = services.jobs.onRunEvent(job.id, (e) => {
      if (e.type === 'epoch' || e.type === 'ended') {
        sub.dispose();
        resolve();
      }
    });
  });
  return { job, outcome };
}

describe('Model Lab jobs', function () {
  this.timeout(120_000);
  let services;

  before(async () => {
    ({ services } = await api());
    fs.mkdirSync(scratch(), { recursive: true });
    // The panel is another part's concern; keep these tests about the jobs (the panel opener is still called).
    await vscode.workspace.getConfiguration('modelLab').update('experiments.openOnStart', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(scratch(), { recursive: true, force: true });
    await vscode.workspace.getConfiguration('modelLab').update('experiments.openOnStart', undefined, vscode.ConfigurationTarget.Global);
  });

  it('activates in under 50 ms of its own time, without starting the runtime', async () => {
    const { activationMs } = await api();
    assert.ok(activationMs < 50, `activate took ${activationMs.toFixed(1)} ms`);
    console.log(`      activate: ${activationMs.toFixed(1)} ms`);
    assert.ok(['stopped', 'ready'].includes(services.runtime.state.status));
  });

  it('registers every command package.json contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = ext.packageJSON.contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
  });

  it('shows ▶ Train · ⚙ Tune · ✓ Validate above a spec with hyperparameters, and no Tune without them', async () => {
    const titles = async (uri) => {
      await vscode.workspace.openTextDocument(uri);
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
      return lenses.map((l) => l.command && l.command.title);
    };
    assert.deepEqual(await titles(irisSpec()), ['▶ Train', '⚙ Tune', '✓ Validate']);
    const plain = path.join(scratch(), 'plain.modellab.yaml');
    fs.writeFileSync(plain, 'name: plain\ndata: { source: ../iris.csv, label: species }\nmodel:\n  layers: [{ type: dense, units: 8 }]\n');
    assert.deepEqual(await titles(vscode.Uri.file(plain)), ['▶ Train', '✓ Validate']);
  });

  it('reports a misspelt field as a diagnostic at its key, from the runtime validator', async () => {
    const file = path.join(scratch(), 'typo.modellab.yaml');
    fs.writeFileSync(file, fs.readFileSync(irisSpec().fsPath, 'utf8').replace('  epochs: 100', '  epoch: 100'));
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length > 0 && d;
    });
    const typo = diagnostics.find((d) => /epoch/.test(d.message));
    assert.ok(typo, diagnostics.map((d) => d.message).join('; '));
    assert.match(typo.message, /did you mean 'epochs'/);
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('  epoch:'));
    assert.equal(typo.range.start.line, line);
    assert.equal(typo.source, 'Model Lab');

    // Validate (the command) reports the same problem, by file and line.
    const problems = await vscode.commands.executeCommand('modelLab.validate', uri);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, line + 1);
    // Fixing the text clears it (debounced revalidation on change).
    const editor = vscode.window.activeTextEditor;
    await editor.edit((e) => e.replace(new vscode.Range(line, 0, line, 7), '  epochs'));
    await waitFor('the diagnostic to clear', () => vscode.languages.getDiagnostics(uri).length === 0, 10_000);
  });

  it('Train on an invalid spec names file:line and puts the problems in the Problems view', async () => {
    const file = path.join(scratch(), 'bad.modellab.yaml');
    fs.writeFileSync(file, 'name: bad\ndata: { source: ../iris.csv, label: species }\nmodel:\n  layers: [{ type: dense, units: 8, activation: rleu }]\n');
    const uri = vscode.Uri.file(file);
    const outcome = await vscode.commands.executeCommand('modelLab.train', uri);
    assert.equal(outcome.result, undefined);
    assert.ok(outcome.error.includes(`${file}:4:`), outcome.error);
    const diagnostics = vscode.languages.getDiagnostics(uri);
    assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join('; '));
    assert.equal(diagnostics[0].range.start.line, 3);
    assert.equal(fs.existsSync(path.join(workspace, '.modellab', 'runs')) && fs.readdirSync(path.join(workspace, '.modellab', 'runs')).some((d) => d.startsWith('bad-')), false);
  });

  it('completes property names and enum values from the schema', async () => {
    const file = path.join(scratch(), 'complete.modellab.yaml');
    fs.writeFileSync(file, 'name: x\ntraining:\n  epochs: 3\n  \nmodel:\n  layers:\n    - { type: dense, activation:  }\n');
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);
    const keys = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(3, 2));
    const keyLabels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(keyLabels.includes('batchSize') && keyLabels.includes('optimizer'), keyLabels.slice(0, 30).join());
    const values = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(6, 33));
    assert.ok(values.items.some((i) => i.label === 'relu'));
  });

  it('Train on the iris spec produces a succeeded run folder with a model bundle', async () => {
    const outcome = await vscode.commands.executeCommand('modelLab.train', irisSpec());
    assert.ok(outcome && outcome.result, `no result: ${outcome && outcome.error}`);
    const { result } = outcome;
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(path.dirname(result.runDir), path.join(workspace, '.modellab', 'runs'));
    assert.equal(readJson(path.join(result.runDir, 'run.json')).status, 'succeeded');
    assert.ok(result.bundleDir && fs.readdirSync(result.bundleDir).length > 0, 'the model/ bundle is empty or missing');
    assert.ok(result.metrics.val_accuracy > 0.5, JSON.stringify(result.metrics));
    assert.equal(services.jobs.running().length, 0);
    assert.equal(services.runtime.state.status, 'ready');
    assert.equal(services.runtime.state.backend.name, result.backend.name);
  });

  it('Tune produces a study folder with its trials', async () => {
    const outcome = await vscode.commands.executeCommand('modelLab.tune', irisSpec(), {
      overrides: ['hyperparameters.maxTrials=2', 'training.epochs=5'],
      parallel: 1,
    });
    assert.ok(outcome && outcome.result, `no result: ${outcome && outcome.error}`);
    const { result } = outcome;
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.equal(result.studyDir, path.join(workspace, '.modellab', 'studies', outcome.studyId));
    assert.equal(readJson(path.join(result.studyDir, 'study.json')).state, 'SUCCEEDED');
    const trials = fs.readFileSync(path.join(result.studyDir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(trials.length >= 2, `${trials.length} trial entries`);
    assert.equal(result.trainingOutput.trials.length, 2);
    for (const trial of result.trainingOutput.trials) {
      assert.equal(readJson(path.join(workspace, '.modellab', 'runs', trial.runId, 'run.json')).status, 'succeeded');
    }
  });

  it('Stop cancels a running Train', async () => {
    const { job, outcome } = await startLongTrain(services);
    const stopped = await vscode.commands.executeCommand('modelLab.stop', { kind: 'run', id: job.id, workspace, dir: job.dir });
    assert.equal(stopped, true);
    const { result } = await outcome;
    assert.equal(result.status, 'cancelled');
    assert.equal(readJson(path.join(result.runDir, 'run.json')).status, 'cancelled');
  });

  it('a runtime killed with SIGKILL fails the run clearly, reports a crash, and the next Train starts a fresh runtime', async () => {
    const { job, outcome } = await startLongTrain(services);
    const pid = services.runtime.state.pid;
    assert.ok(pid > 0);
    process.kill(pid, 'SIGKILL');
    const ended = await outcome;
    assert.equal(ended.result, undefined);
    assert.match(ended.error, /exited unexpectedly \(signal SIGKILL\)/);
    assert.equal(services.runtime.state.status, 'crashed');
    assert.equal(services.runtime.state.exit.signal, 'SIGKILL');
    const record = readJson(path.join(job.dir, 'run.json'));
    assert.equal(record.status, 'failed');
    assert.match(record.error, /SIGKILL/);
    assert.equal(services.jobs.running().length, 0);
    assert.throws(() => process.kill(pid, 0), 'the killed runtime is gone');

    const again = await vscode.commands.executeCommand('modelLab.train', irisSpec(), { overrides: ['training.epochs=3'] });
    assert.equal(again.result && again.result.status, 'succeeded', again.error);
    assert.equal(services.runtime.state.status, 'ready');
    assert.notEqual(services.runtime.state.pid, pid);
  });

  it('Restart Runtime replaces the child and leaves no process behind', async () => {
    await services.runtime.client();
    const before = services.runtime.state.pid;
    await vscode.commands.executeCommand('modelLab.restartRuntime');
    const after = services.runtime.state.pid;
    assert.ok(after > 0 && after !== before);
    assert.throws(() => process.kill(before, 0), `the old runtime (pid ${before}) is still alive`);
  });

  it('Stop on a study leaves it CANCELLED, and Resume Study finishes it', async () => {
    const outcome = vscode.commands.executeCommand('modelLab.tune', irisSpec(), { overrides: ['hyperparameters.maxTrials=2', 'training.epochs=20'], parallel: 1 });
    const job = await waitFor('the study to be tracked', () => services.jobs.running().find((j) => j.kind === 'study'));
    await new Promise((resolve) => {
      const sub = services.jobs.onStudyEvent(job.id, (e) => {
        if ((e.type === 'trialState' && e.params.state === 'active') || e.type === 'ended') {
          sub.dispose();
          resolve();
        }
      });
    });
    const ref = { kind: 'study', id: job.id, workspace, dir: path.join(workspace, '.modellab', 'studies', job.id) };
    assert.equal(await vscode.commands.executeCommand('modelLab.stop', ref), true);
    const stopped = await outcome;
    assert.equal(stopped.result.state, 'CANCELLED');
    assert.equal(readJson(path.join(ref.dir, 'study.json')).state, 'CANCELLED');

    const resumed = await vscode.commands.executeCommand('modelLab.resumeStudy', ref);
    assert.ok(resumed.result, resumed.error);
    assert.equal(resumed.result.state, 'SUCCEEDED', resumed.result.message);
    assert.equal(resumed.studyId, job.id);
    assert.equal(resumed.result.trainingOutput.trials.length, 2);
  });

  it('the runtime log says which Node runs the runtime, and forwards its log notifications', async () => {
    const { context } = services;
    const logs = await waitFor('the Model Lab log file', () => findFiles(context.logUri.fsPath).find((f) => /Model Lab\.log$/.test(f)));
    const text = fs.readFileSync(logs, 'utf8');
    assert.match(text, /Starting the Model Lab runtime with VS Code's (Electron .* as Node|own Node) \(v\d+/);
    assert.match(text, /Runtime ready: pid \d+, Node v\d+/);
    assert.match(text, /exited unexpectedly \(signal SIGKILL\); failed: run iris \(iris-/);
  });

  it('disposing the runtime host (window closing) leaves no runtime or trial worker behind', async function () {
    if (process.platform !== 'linux') this.skip(); // reads /proc for the process tree
    const host = new services.runtime.constructor(services.context, services.log);
    const client = await host.client();
    const pid = host.state.pid;
    // A study keeps worker processes (children of the runtime) busy.
    let active = false;
    const study = client
      .tune({ specFile: irisSpec().fsPath, workspace: scratch(), overrides: ['hyperparameters.maxTrials=2', 'training.epochs=100000', 'training.earlyStopping.patience=100000'], parallel: 2 }, { onTrialState: (p) => { if (p.state === 'active') active = true; } })
      .catch((err) => err);
    await waitFor('a trial to run', () => active);
    const tree = [pid, ...descendants(pid)];
    assert.ok(tree.length >= 2, `expected trial workers under the runtime, found ${tree.join(', ')}`);
    host.dispose();
    await waitFor(`processes ${tree.join(', ')} to end`, () => tree.every((p) => !alive(p)), 10_000);
    await study;
  });

  it('modelLab.runtime.nodePath: a Node that does not exist is a clear error, a real one runs the runtime', async () => {
    const config = () => vscode.workspace.getConfiguration('modelLab');
    try {
      await config().update('runtime.nodePath', '/nonexistent/node', vscode.ConfigurationTarget.Global);
      await assert.rejects(services.runtime.restart(), /did not start \(\/nonexistent\/node \(setting modelLab\.runtime\.nodePath\)\).*ENOENT.*Check the setting/s);
      assert.equal(services.runtime.state.status, 'stopped');
      const failed = await vscode.commands.executeCommand('modelLab.train', irisSpec(), { overrides: ['training.epochs=2'] });
      assert.match(failed.error, /did not start/);

      await config().update('runtime.nodePath', process.execPath, vscode.ConfigurationTarget.Global);
      const ok = await vscode.commands.executeCommand('modelLab.train', irisSpec(), { overrides: ['training.epochs=2'] });
      assert.equal(ok.result && ok.result.status, 'succeeded', ok.error);
      assert.match(services.runtime.state.node, /setting modelLab\.runtime\.nodePath/);
    } finally {
      await config().update('runtime.nodePath', undefined, vscode.ConfigurationTarget.Global);
      await services.runtime.restart();
    }
  });

  it('Select Backend checks the choice against the machine report, writes modelLab.backend, and Train uses it', async () => {
    const config = () => vscode.workspace.getConfiguration('modelLab');
    try {
      assert.equal(await vscode.commands.executeCommand('modelLab.selectBackend', 'cpu'), 'cpu');
      assert.equal(config().get('backend'), 'cpu');
      const outcome = await vscode.commands.executeCommand('modelLab.train', irisSpec(), { overrides: ['training.epochs=2'] });
      assert.equal(outcome.result && outcome.result.backend.name, 'cpu', outcome.error);
      assert.equal(services.runtime.state.backend.name, 'cpu');
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('modelLab.selectBackend', 'tpu')), /unknown backend 'tpu': use auto, webgpu, /);
    } finally {
      await config().update('backend', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Set Up Native Runtime waits its turn: another window holding the install lock is reported, npm is not run', async () => {
    const dir = services.runtime.nativeInstallDir;
    fs.mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, '.install.lock');
    // A live process on this machine holds it (this extension host stands in for the other window's).
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: require('node:os').hostname(), startedAt: new Date().toISOString() }));
    try {
      const outcome = await vscode.commands.executeCommand('modelLab.setUpNativeRuntime', 'tensorflow');
      assert.equal(outcome.installed, false);
      assert.match(outcome.message, new RegExp(`another VS Code window \\(process ${process.pid}\\) has been installing`));
      assert.equal(fs.existsSync(path.join(dir, 'node_modules')), false);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  });

  it('New Job scaffolds a template with its data, standing alone', async () => {
    const spec = await vscode.commands.executeCommand('modelLab.newJob', 'iris-trainer', scratch());
    assert.equal(spec, path.join(scratch(), 'iris-trainer', 'modellab.yaml'));
    const text = fs.readFileSync(spec, 'utf8');
    assert.match(text, /source: iris\.csv/);
    assert.ok(fs.existsSync(path.join(scratch(), 'iris-trainer', 'iris.csv')));
    assert.ok(fs.existsSync(path.join(scratch(), 'iris-trainer', 'trainer.ts')));
    const problems = await vscode.commands.executeCommand('modelLab.validate', vscode.Uri.file(spec));
    assert.deepEqual(problems, []);
  });
});
