import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireInstallLock, explainInstallFailure, LOCK_FILE, npmInstall } from '../../../../src/extension/commands/nativeRuntimeInstall';

const root = mkdtempSync(join(tmpdir(), 'modellab-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('acquireInstallLock: one install at a time across windows', () => {
  it('gives the lock to one holder and tells the next who holds it', () => {
    const dir = join(root, 'a');
    const first = acquireInstallLock(dir);
    assert.ok('release' in first);
    const second = acquireInstallLock(dir);
    assert.ok('heldBy' in second);
    assert.equal(second.heldBy.pid, process.pid);
    first.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    const third = acquireInstallLock(dir);
    assert.ok('release' in third);
    third.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = join(root, 'b');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid as number;
    await new Promise((r) => child.once('exit', r));
    acquireInstallLock(dir); // creates the folder
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: new Date().toISOString() }));
    const lock = acquireInstallLock(dir);
    assert.ok('release' in lock, 'a dead holder must not block the install');
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    lock.release();
  });

  it('takes over a lock older than an hour even if its pid is alive (pid reuse)', () => {
    const dir = join(root, 'c');
    acquireInstallLock(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date(Date.now() - 2 * 3600_000).toISOString() }));
    const lock = acquireInstallLock(dir);
    assert.ok('release' in lock);
    lock.release();
  });
});

describe('npmInstall and explainInstallFailure', () => {
  it('says npm is missing when it cannot be started', async () => {
    const result = await npmInstall({ npm: join(root, 'no-such-npm'), dir: join(root, 'd'), pkg: '@tensorflow/tfjs-node', version: '4.22.0', onOutput: () => undefined });
    assert.equal(result.ok, false);
    assert.match(explainInstallFailure(result, 'no-such-npm'), /npm was not found/);
    assert.ok(existsSync(join(root, 'd', 'package.json')), 'the install folder gets its own package.json');
  });

  it("names libtensorflow's download when that is what the network blocked", async () => {
    // A stand-in for npm that fails the way tfjs-node's install script does offline.
    const npm = join(root, 'npm-offline');
    writeFileSync(npm, `#!/bin/sh\necho "npm $*"\necho "Downloading libtensorflow from https://storage.googleapis.com/tf-builds/libtensorflow.tar.gz" >&2\necho "Error: getaddrinfo ENOTFOUND storage.googleapis.com" >&2\nexit 1\n`);
    chmodSync(npm, 0o755);
    const lines: string[] = [];
    const result = await npmInstall({ npm, dir: join(root, 'e'), pkg: '@tensorflow/tfjs-node', version: '4.22.0', onOutput: (l) => lines.push(l) });
    assert.equal(result.ok, false);
    assert.equal(result.code, 1);
    assert.ok(lines.includes('npm install @tensorflow/tfjs-node@4.22.0 --no-audit --no-fund --foreground-scripts'), lines.join('\n'));
    assert.match(explainInstallFailure(result, npm), /libtensorflow.*storage\.googleapis\.com/);
  });

  it('tells a registry that cannot be reached from other failures', () => {
    const base = { ok: false, code: 1, cancelled: false };
    assert.match(explainInstallFailure({ ...base, output: 'npm error code ENOTFOUND\nnpm error request to https://registry.npmjs.org/x failed' }, 'npm'), /registry could not be reached/);
    assert.match(explainInstallFailure({ ...base, output: 'npm error code EACCES' }, 'npm'), /not allowed to write/);
    assert.match(explainInstallFailure({ ...base, output: 'something\nnpm error gyp failed' }, 'npm'), /exited with code 1: npm error gyp failed/);
  });
});
