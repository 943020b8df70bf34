/**
 * How this window starts Model Lab's Node processes (the runtime child, `model-lab serve`, batch
 * prediction): which Node binary, with which environment. One place, so the Runtime log can say which
 * Node runs the lab and every child is started the same way.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';

export interface NodeLaunch {
  /** The Node binary. */
  execPath: string;
  /** Environment for the child (ELECTRON_RUN_AS_NODE when it is VS Code's own Electron). */
  env: NodeJS.ProcessEnv;
  /** Human words for the log: "VS Code's Electron as Node (v20.x)" or "/usr/bin/node (setting modelLab.runtime.nodePath)". */
  description: string;
}

/** The bundles the extension ships beside itself. */
export function runtimePaths(extensionPath: string): { runtime: string; cli: string } {
  return { runtime: join(extensionPath, 'dist', 'runtime.js'), cli: join(extensionPath, 'dist', 'cli.js') };
}

/**
 * The Node that runs the lab: the `modelLab.runtime.nodePath` setting, else VS Code's own binary run as
 * Node. `nativeModulesDir` (Set Up Native Runtime's install folder) reaches the runtime through
 * MODELLAB_NATIVE_MODULES; `python` through MODELLAB_PYTHON.
 */
export function nodeLaunch(options: { nativeModulesDir?: string } = {}): NodeLaunch {
  const config = vscode.workspace.getConfiguration('modelLab');
  const configured = (config.get<string>('runtime.nodePath') ?? '').trim();
  const python = (config.get<string>('python') ?? '').trim();
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (python) env.MODELLAB_PYTHON = python;
  if (options.nativeModulesDir) env.MODELLAB_NATIVE_MODULES = options.nativeModulesDir;
  if (configured) {
    delete env.ELECTRON_RUN_AS_NODE;
    return { execPath: configured, env, description: `${configured} (setting modelLab.runtime.nodePath)` };
  }
  env.ELECTRON_RUN_AS_NODE = '1';
  const electron = process.versions.electron ? `VS Code's Electron ${process.versions.electron} as Node` : "VS Code's own Node";
  return { execPath: process.execPath, env, description: `${electron} (v${process.versions.node}, ${process.execPath})` };
}
