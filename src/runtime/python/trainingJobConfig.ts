/**
 * Loads a `gcloud ai-platform jobs submit training --config` file (notes/cloudml-formats.md §1.2, §1.3): a
 * YAML or JSON `Job` whose `trainingInput` says which Python module to run, with which args, and what to
 * tune. The file is taken as it is. Locally the package is a folder: `trainingInput.packagePath` (our one
 * addition), a local folder in `packageUris`, or the folder beside the file named after the module's top
 * package. Fields of the API that mean nothing on one machine (scaleTier, masterType, region, …) are
 * accepted and listed in `ignoredFields`; a field the API does not have is an error, as it is for gcloud.
 * Problems are reported like the job spec's: every one at once, each at file:line:column.
 */
import { type Stats, statSync } from 'node:fs';
import { readSpecText } from '../spec/readSpecText';
import { basename, dirname, join, resolve } from 'node:path';
import { LineCounter, parse, parseDocument } from 'yaml';
import { HYPERPARAMETER_DEFAULTS, normalizeIntegerStrings } from '../spec/defaults';
import { checkHyperparameterRules } from '../spec/hyperparameterRules';
import type { HyperparameterSpec, JobSpec } from '../spec/jobSpec';
import { validateAgainstSchema } from '../spec/schemaValidation';
import { type SourcePosition, SpecSourceMap } from '../spec/sourceMap';
import { SpecError, type SpecProblem } from '../spec/specError';
import { type PathSegment, formatPath, isWithin } from '../spec/specPath';
import { suggest } from '../spec/suggest';
import { isPythonModuleName, isRemotePath } from './pythonLaunch';

export interface TrainingJobConfig {
  /** Absolute path of the config file. */
  file: string;
  /** `jobId`, when the file names one. */
  jobId?: string;
  /** Absolute path of the trainer package folder. */
  packagePath: string;
  /** `trainingInput.pythonModule`. */
  module: string;
  /** `trainingInput.args`. */
  args: string[];
  /** `trainingInput.jobDir` as an absolute local path; absent when not given or remote (`gs://`). */
  jobDir?: string;
  /** `trainingInput.hyperparameters`, validated, int64 strings as numbers, Cloud ML's defaults filled in. */
  hyperparameters?: HyperparameterSpec;
  /** Dotted paths of the fields written in the file that have no effect locally. */
  ignoredFields: string[];
  /** Where a field is written, by dotted path, for problems found later (e.g. by a trial). */
  locate(path: string): SourcePosition;
}

/** Values given on the command line, which win over the file's, as gcloud's flags do. */
export interface TrainingJobOverrides {
  packagePath?: string;
  module?: string;
  args?: string[];
  jobDir?: string;
}

/** `Job` fields (ML-DISC): read, or output-only and harmless in a file someone copied from `jobs describe`. */
const JOB_FIELDS = ['jobId', 'labels', 'trainingInput', 'predictionInput', 'createTime', 'startTime', 'endTime', 'state', 'errorMessage', 'trainingOutput', 'predictionOutput', 'etag', 'jobPosition'];
const JOB_FIELDS_USED = new Set(['jobId', 'trainingInput']);

/** `TrainingInput` fields (ML-DISC), plus `packagePath`, Model Lab's local stand-in for `packageUris`. */
const TRAINING_INPUT_USED = ['pythonModule', 'packageUris', 'packagePath', 'args', 'jobDir', 'hyperparameters'];
const TRAINING_INPUT_IGNORED = [
  'scaleTier', 'masterType', 'masterConfig', 'workerType', 'workerConfig', 'workerCount', 'parameterServerType',
  'parameterServerConfig', 'parameterServerCount', 'evaluatorType', 'evaluatorConfig', 'evaluatorCount', 'region',
  'runtimeVersion', 'pythonVersion', 'scheduling', 'serviceAccount', 'network', 'encryptionConfig', 'enableWebAccess',
  'useChiefInTfConfig',
];

export async function loadTrainingJobConfig(file: string, overrides: TrainingJobOverrides = {}): Promise<TrainingJobConfig> {
  const absolute = resolve(file);
  const text = await readSpecText(absolute, 'training job config');
  return parseTrainingJobConfig(text, absolute, overrides);
}

/**
 * Whether a document is a training job config (a `Job` with `trainingInput`) rather than a Model Lab job
 * spec. Takes the file's text or its parsed value; text that does not parse is neither.
 */
export function isTrainingJobConfig(textOrParsed: unknown): boolean {
  let value = textOrParsed;
  if (typeof value === 'string') {
    try {
      value = parse(value.replace(/^\uFEFF/, ''));
    } catch {
      return false;
    }
  }
  return isMapping(value) && 'trainingInput' in value && !('model' in value);
}

export function parseTrainingJobConfig(text: string, file: string, overrides: TrainingJobOverrides = {}): TrainingJobConfig {
  const absolute = resolve(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { file: absolute, line, column: col, path: '', message: `invalid YAML: ${e.message}` };
      }),
    );
  }
  const report = new Problems(absolute, new SpecSourceMap(doc, lineCounter));
  const config = readJob(doc.toJS({ maxAliasCount: 1000 }) as unknown, dirname(absolute), overrides, report);
  report.throwIfAny();
  if (!config) throw new SpecError([{ file: absolute, line: 1, column: 1, path: '', message: 'not a training job config' }]);
  return { file: absolute, ...config, locate: (path) => report.sourceMap.locateDotted(path) };
}

type Fields = Omit<TrainingJobConfig, 'file' | 'locate'>;

function readJob(raw: unknown, baseDir: string, overrides: TrainingJobOverrides, report: Problems): Fields | undefined {
  if (!isMapping(raw)) {
    report.add([], 'a training job config is a mapping with a trainingInput field (a Cloud ML Job)');
    return undefined;
  }
  const ignoredFields: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!JOB_FIELDS.includes(key)) report.unknown([key], JOB_FIELDS);
    else if (!JOB_FIELDS_USED.has(key)) ignoredFields.push(key);
  }
  if (raw.jobId !== undefined && typeof raw.jobId !== 'string') report.add(['jobId'], `jobId must be a string, got ${describe(raw.jobId)}`);
  const input = raw.trainingInput;
  if (!isMapping(input)) {
    report.add(['trainingInput'], input === undefined ? 'trainingInput is required' : `trainingInput must be a mapping, got ${describe(input)}`);
    return undefined;
  }
  const at = (field: string): PathSegment[] => ['trainingInput', field];
  for (const key of Object.keys(input)) {
    if (TRAINING_INPUT_IGNORED.includes(key)) ignoredFields.push(`trainingInput.${key}`);
    else if (!TRAINING_INPUT_USED.includes(key)) report.unknown(at(key), [...TRAINING_INPUT_USED, ...TRAINING_INPUT_IGNORED]);
  }

  const module = overrides.module ?? readString(input, 'pythonModule', report);
  if (module === undefined) report.add(at('pythonModule'), 'trainingInput.pythonModule is required (the module to run, e.g. trainer.task; or --module-name)');
  else if (!isPythonModuleName(module)) report.add(at('pythonModule'), `'${module}' is not a Python module name (dotted identifiers, e.g. trainer.task)`);
  if (overrides.module !== undefined && input.pythonModule !== undefined) ignoredFields.push('trainingInput.pythonModule');

  const args = overrides.args ?? readStrings(input, 'args', report) ?? [];
  if (overrides.args !== undefined && input.args !== undefined) ignoredFields.push('trainingInput.args');

  const packagePath = findPackage(input, baseDir, module, overrides, report, ignoredFields);

  let jobDir: string | undefined;
  const writtenJobDir = readString(input, 'jobDir', report);
  if (overrides.jobDir !== undefined) {
    jobDir = resolve(overrides.jobDir);
    if (writtenJobDir !== undefined) ignoredFields.push('trainingInput.jobDir');
  } else if (writtenJobDir !== undefined) {
    // A bucket cannot be written here without credentials; the caller picks a local folder instead.
    if (isRemotePath(writtenJobDir)) ignoredFields.push('trainingInput.jobDir');
    else jobDir = resolve(baseDir, writtenJobDir);
  }

  const hyperparameters = input.hyperparameters === undefined ? undefined : readHyperparameters(input.hyperparameters, report);
  if (!packagePath || module === undefined) return undefined;
  const out: Fields = { packagePath, module, args, ignoredFields };
  if (typeof raw.jobId === 'string') out.jobId = raw.jobId;
  if (jobDir !== undefined) out.jobDir = jobDir;
  if (hyperparameters) out.hyperparameters = hyperparameters;
  return out;
}

/**
 * The package folder: the override, `packagePath`, the one local folder in `packageUris`, or the folder
 * beside the config named after the module's top package (a config next to `trainer/` needs no path).
 * A folder that is the package's parent (holding setup.py and `trainer/`) is accepted too.
 */
function findPackage(input: Record<string, unknown>, baseDir: string, module: string | undefined, overrides: TrainingJobOverrides, report: Problems, ignored: string[]): string | undefined {
  const top = module?.split('.')[0];
  const asPackage = (folder: string): string => (top && !isFile(join(folder, '__init__.py')) && isDirectory(join(folder, top)) ? join(folder, top) : folder);
  const written = readString(input, 'packagePath', report);
  const uris = readStrings(input, 'packageUris', report);

  if (overrides.packagePath !== undefined) {
    if (written !== undefined) ignored.push('trainingInput.packagePath');
    if (uris !== undefined) ignored.push('trainingInput.packageUris');
    return checkFolder(asPackage(resolve(overrides.packagePath)), ['trainingInput', 'packagePath'], report, true);
  }
  if (written !== undefined) {
    if (uris !== undefined) ignored.push('trainingInput.packageUris');
    return checkFolder(asPackage(resolve(baseDir, written)), ['trainingInput', 'packagePath'], report);
  }
  if (uris !== undefined) {
    const local = uris.map((uri, i) => ({ uri, i })).filter(({ uri }) => !isRemotePath(uri));
    if (local.length === 0) {
      report.add(['trainingInput', 'packageUris'], 'packageUris holds no local folder; add trainingInput.packagePath (the trainer package folder) to run it here');
      return undefined;
    }
    if (local.length > 1) {
      report.add(['trainingInput', 'packageUris', local[1].i], 'only one local package can be run; list the other in packagePath or remove it');
      return undefined;
    }
    if (local.length < uris.length) ignored.push('trainingInput.packageUris');
    return checkFolder(asPackage(resolve(baseDir, local[0].uri)), ['trainingInput', 'packageUris', local[0].i], report);
  }
  if (top && isDirectory(join(baseDir, top))) return join(baseDir, top);
  if (module !== undefined) {
    report.add(['trainingInput'], `no package folder: add trainingInput.packagePath, or put the '${top}' package beside ${basename(report.file)}`);
  }
  return undefined;
}

function checkFolder(folder: string, path: PathSegment[], report: Problems, fromCommandLine = false): string | undefined {
  if (isDirectory(folder)) return folder;
  // A built package (sdist or wheel) is what Cloud ML installs; locally the folder runs as it is.
  const message = isFile(folder)
    ? `${folder} is a file; Model Lab runs the trainer package folder itself (the folder with __init__.py)`
    : `the package folder ${folder} does not exist`;
  if (fromCommandLine) report.addCommandLine(message);
  else report.add(path, message);
  return undefined;
}

/**
 * HyperparameterSpec: the job spec's schema for it (so the messages and suggestions are the same), then the
 * service's rules. The schema is checked through a spec that holds only this section; its other complaints
 * (no name, data, model) are about that stand-in and are dropped.
 */
function readHyperparameters(section: unknown, report: Problems): HyperparameterSpec | undefined {
  const prefix: PathSegment[] = ['trainingInput'];
  const issues = validateAgainstSchema({ hyperparameters: section }).filter((i) => isWithin(i.path, ['hyperparameters']));
  for (const issue of issues) report.add([...prefix, ...issue.path], issue.message, issue.suggestion, issue.part);
  if (issues.length > 0) return undefined;
  const spec = normalizeIntegerStrings({ hyperparameters: section } as JobSpec).hyperparameters as HyperparameterSpec;
  const violations = checkHyperparameterRules(spec);
  for (const v of violations) report.add([...prefix, ...v.path], `${v.message} (rule: ${v.rule})`);
  if (violations.length > 0) return undefined;
  return { ...HYPERPARAMETER_DEFAULTS, ...spec };
}

function readString(input: Record<string, unknown>, field: string, report: Problems): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  report.add(['trainingInput', field], `${field} must be a non-empty string, got ${describe(value)}`);
  return undefined;
}

/** A list of strings. A number is not taken as text: `- 1.0` would reach the trainer as "1"; quote it. */
function readStrings(input: Record<string, unknown>, field: string, report: Problems): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    report.add(['trainingInput', field], `${field} must be a list of strings, got ${describe(value)}`);
    return undefined;
  }
  let ok = true;
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string') {
      ok = false;
      const hint = typeof item === 'number' || typeof item === 'boolean' ? ` (quote it: '${String(item)}')` : '';
      report.add(['trainingInput', field, i], `${field} items must be strings, got ${describe(item)}${hint}`);
    }
  });
  return ok ? (value as string[]) : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isDirectory(path: string): boolean {
  return statOrUndefined(path)?.isDirectory() ?? false;
}

function isFile(path: string): boolean {
  return statOrUndefined(path)?.isFile() ?? false;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Problems, each placed where its field is written. */
class Problems {
  private readonly problems: SpecProblem[] = [];

  constructor(
    readonly file: string,
    readonly sourceMap: SpecSourceMap,
  ) {}

  add(path: PathSegment[], message: string, suggestion?: string, part: 'key' | 'value' = 'value'): void {
    const problem: SpecProblem = { file: this.file, ...this.sourceMap.locate(path, part), path: formatPath(path), message };
    if (suggestion !== undefined) problem.suggestion = suggestion;
    this.problems.push(problem);
  }

  unknown(path: PathSegment[], known: readonly string[]): void {
    const name = String(path[path.length - 1]);
    this.add(path, `unknown field '${name}'`, suggest(name, known), 'key');
  }

  /** A problem with a value given on the command line: it has no place in the file. */
  addCommandLine(message: string): void {
    this.problems.push({ file: this.file, line: 0, column: 0, path: '', message });
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new SpecError([...this.problems].sort((a, b) => a.line - b.line || a.column - b.column));
  }
}
