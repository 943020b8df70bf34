/**
 * Looks for WebGPU adapters in a child process. `auto` selection and `model-lab doctor` use this,
 * for three reasons: Dawn prints its warnings from native code straight to file descriptor 2, which
 * the engine cannot filter in-process (here they are captured, and shown where useful); a broken GPU
 * driver that crashes Dawn takes down the probe, not the engine; and a machine without a usable GPU
 * (most CI machines) never loads the GPU stack into the engine at all.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface ProbedAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  limits: Record<string, number>;
  features: string[];
}

export interface IsolatedProbe {
  /** The adapters found, high-performance first (duplicates removed); empty when none. */
  adapters: ProbedAdapter[];
  /** Dawn's stderr lines (driver messages), minus the ones known to be harmless. */
  dawnMessages: string[];
  /** Set when the probe itself failed (crash, timeout, load error). */
  failure?: string;
}

/** Dawn warnings that say nothing about whether the GPU works. */
const HARMLESS = [/artificially reduced/, /XDG_RUNTIME_DIR/];

// Runs as an ES module in the child; prints one JSON line. Kept in plain JavaScript so that it works from
// the bundle and from source alike.
const CHILD_SCRIPT = `
const { create } = await import(process.argv[1]);
const gpu = create([]);
const seen = new Set();
const adapters = [];
for (const powerPreference of ['high-performance', 'low-power']) {
  const a = await gpu.requestAdapter({ powerPreference });
  if (!a) continue;
  const i = a.info;
  const key = [i.vendor, i.architecture, i.device, i.description].join('|');
  if (seen.has(key)) continue;
  seen.add(key);
  const limits = {};
  for (const k in a.limits) if (typeof a.limits[k] === 'number') limits[k] = a.limits[k];
  adapters.push({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    isFallbackAdapter: i.isFallbackAdapter === true || a.isFallbackAdapter === true, limits, features: [...a.features].sort() });
}
process.stdout.write(JSON.stringify({ adapters }) + '\\n');
process.exit(0);
`;

/** Runs the probe with the webgpu package at `entry` (its index.js). */
export function probeInChild(entry: string, timeoutMs = 30_000): Promise<IsolatedProbe> {
  return new Promise((done) => {
    const env = { ...process.env };
    // Inside VS Code the engine runs on Electron as Node; the child must too.
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, pathToFileURL(entry).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const messages = () =>
      stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('at ') && !HARMLESS.some((re) => re.test(l)));
    child.on('error', (err) => done({ adapters: [], dawnMessages: messages(), failure: `the WebGPU probe did not start: ${err.message}` }));
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { adapters: ProbedAdapter[] };
        done({ adapters: parsed.adapters, dawnMessages: messages() });
      } catch {
        const how = signal ? `was killed by ${signal}${signal === 'SIGTERM' ? ' (timed out)' : ''}` : `exited with code ${code}`;
        const last = messages().slice(-1)[0];
        done({ adapters: [], dawnMessages: messages(), failure: `the WebGPU probe ${how}${last ? `: ${last}` : ''}; a broken GPU driver can do this` });
      }
    });
  });
}
