/**
 * `--set key.path=value`: changes to a spec made on the command line, applied to the parsed spec
 * before it is validated, so an override is checked exactly like the file is.
 */
import { parse as parseYaml } from 'yaml';
import { type PathSegment, formatPath, parsePath } from './specPath';

export interface Override {
  /** The text as given, for messages: `model.layers.0.units=64`. */
  text: string;
  path: PathSegment[];
  /** `undefined` removes the field (`key=null` or `key=~`). */
  value: unknown;
}

export interface OverrideProblem {
  text: string;
  path: PathSegment[];
  message: string;
}

export interface OverrideResult {
  spec: unknown;
  applied: Override[];
  problems: OverrideProblem[];
}

/**
 * Parses `key.path=value`. The value is read as YAML, so `64` is a number, `true` a boolean,
 * `[1, 2]` a list, `{type: adam}` a mapping and `adam` a string; quote it (`'"64"'`) to keep a string.
 */
export function parseOverride(text: string): Override | OverrideProblem {
  const eq = text.indexOf('=');
  if (eq < 0) return { text, path: [], message: `--set '${text}': expected key.path=value` };
  const key = text.slice(0, eq).trim();
  const path = parsePath(key);
  if (key === '' || path.some((s) => s === '')) return { text, path, message: `--set '${text}': '${key}' is not a field path (expected e.g. training.epochs=10)` };
  const raw = text.slice(eq + 1);
  // `{{name}}` would read as a nested YAML flow mapping; on the command line it can only mean a placeholder.
  if (raw.includes('{{')) return { text, path, value: raw };
  try {
    const value: unknown = parseYaml(raw);
    return { text, path, value: value === null ? undefined : value };
  } catch (error) {
    // `data.source=*.csv` or `name=a: b` are plain strings to a shell user, not YAML aliases or mappings;
    // only a value that opens a list, mapping or quote was evidently meant as YAML.
    if (!/^\s*[[{"']/.test(raw)) return { text, path, value: raw };
    const reason = error instanceof Error ? error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') : String(error);
    return { text, path, message: `--set '${text}': the value is not valid YAML: ${reason}` };
  }
}

/** Applies overrides in order to a copy of `spec`; the input is left as it was. */
export function applyOverrides(spec: unknown, overrides: readonly string[]): OverrideResult {
  let result: unknown = structuredClone(spec);
  const applied: Override[] = [];
  const problems: OverrideProblem[] = [];
  for (const text of overrides) {
    const parsed = parseOverride(text);
    if ('message' in parsed) {
      problems.push(parsed);
      continue;
    }
    if (parsed.path.length === 0) {
      problems.push({ text, path: [], message: `--set '${text}': cannot replace the whole spec` });
      continue;
    }
    const outcome = setAt(result, parsed.path, parsed.value);
    if (typeof outcome === 'string') {
      problems.push({ text, path: parsed.path, message: `--set '${text}': ${outcome}` });
    } else {
      result = outcome.root;
      applied.push(parsed);
    }
  }
  return { spec: result, applied, problems };
}

/** The last override that set `path` or one of its ancestors, if any: the cause of a problem there. */
export function overrideFor(path: readonly PathSegment[], applied: readonly Override[]): Override | undefined {
  const key = formatPath(path);
  for (let i = applied.length - 1; i >= 0; i--) {
    const at = formatPath(applied[i].path);
    if (key === at || key.startsWith(`${at}.`)) return applied[i];
  }
  return undefined;
}

type Container = Record<string, unknown> | unknown[];

/** Sets (or, for `undefined`, removes) the value at `path`, creating mappings on the way; or says why it cannot. */
function setAt(root: unknown, path: PathSegment[], value: unknown): { root: unknown } | string {
  const top: Container = isContainer(root) ? root : {};
  let node: Container = top;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    const where = formatPath(path.slice(0, i)) || 'the spec';
    if (Array.isArray(node)) {
      if (typeof segment !== 'number') return `${where} is a list; '${segment}' is not an index`;
      // Appending is allowed (index = length); a gap would leave holes that no schema message explains.
      if (segment > node.length) return `${where} has ${node.length} item${node.length === 1 ? '' : 's'}; index ${segment} is past its end`;
      if (last) {
        if (value === undefined) node.splice(segment, 1);
        else node[segment] = value;
        return { root: top };
      }
      if (!isContainer(node[segment])) {
        if (node[segment] !== undefined) return `${formatPath(path.slice(0, i + 1))} is ${describe(node[segment])}, not a mapping or list`;
        node[segment] = {};
      }
      node = node[segment] as Container;
    } else {
      const key = String(segment);
      if (last) {
        if (value === undefined) delete node[key];
        else node[key] = value;
        return { root: top };
      }
      if (!isContainer(node[key])) {
        if (node[key] !== undefined && node[key] !== null) return `${formatPath(path.slice(0, i + 1))} is ${describe(node[key])}, not a mapping or list`;
        node[key] = {};
      }
      node = node[key] as Container;
    }
  }
  return { root: top };
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `the string '${value}'` : `${typeof value} ${String(value)}`;
}
