/**
 * Loads a job spec (`modellab.yaml`, or JSON): parse with positions, apply `--set` overrides, validate
 * against the schema and the hyperparameter rules, fill in defaults, substitute `{{placeholders}}`.
 * Every problem found is reported at once, each with its file, line, column and field path.
 */
import { readSpecText } from './readSpecText';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { applySpecDefaults, normalizeIntegerStrings } from './defaults';
import { checkHyperparameterRules } from './hyperparameterRules';
import type { HyperparameterValues, JobSpec } from './jobSpec';
import { type Override, applyOverrides, overrideFor } from './overrides';
import { checkHyperparameterValues, checkPlaceholderNames, defaultHyperparameterValues, findPlaceholders, resolvePlaceholders } from './placeholders';
import { validateAgainstSchema } from './schemaValidation';
import { type SourcePosition, SpecSourceMap } from './sourceMap';
import { SpecError, type SpecProblem } from './specError';
import { type PathSegment, formatPath, isWithin } from './specPath';

export interface LoadOptions {
  /** `key.path=value` from `--set`, applied in order before validation. */
  overrides?: string[];
  /**
   * Values for `{{name}}` placeholders (a trial's suggestion, or values given by hand). Each must fit
   * its ParameterSpec; parameters without a value take `defaultHyperparameterValues`.
   */
  hyperparameters?: HyperparameterValues;
}

export interface LoadedSpec {
  /** Validated, with overrides and defaults applied and placeholders substituted. */
  spec: JobSpec;
  /** Absolute path of the spec file. */
  file: string;
  /** Folder of the spec file: relative paths in the spec (data, trainer) are relative to it. */
  baseDir: string;
  /** The value of every hyperparameter, as substituted for its placeholders (run.json records these). */
  hyperparameters: HyperparameterValues;
  /**
   * Where a field is written, by dotted path (`data.label`, `model.layers.0.units`), so a later stage can
   * report a problem at the right place. A field not in the file gives its nearest written ancestor.
   */
  locate(path: string): SourcePosition;
}

export async function loadJobSpec(file: string, options: LoadOptions = {}): Promise<LoadedSpec> {
  const absolute = resolve(file);
  const text = await readSpecText(absolute, 'job spec');
  return parseJobSpecText(text, absolute, options);
}

export function parseJobSpecText(text: string, file: string, options: LoadOptions = {}): LoadedSpec {
  const absolute = resolve(file);
  const { raw, sourceMap } = parseWithPositions(text, absolute);
  const { spec: overridden, applied, problems: overrideProblems } = applyOverrides(raw, options.overrides ?? []);
  const report = new ProblemReport(absolute, sourceMap, applied);
  for (const p of overrideProblems) report.addCommandLine(p.path, p.message);

  const given = checkSpec(overridden, options.hyperparameters, report);
  report.throwIfAny();
  const { spec, hyperparameters } = completeSpec(overridden as JobSpec, given, report);
  report.throwIfAny();

  return { spec, file: absolute, baseDir: dirname(absolute), hyperparameters, locate: (path) => sourceMap.locateDotted(path) };
}

function parseWithPositions(text: string, file: string): { raw: unknown; sourceMap: SpecSourceMap } {
  const lineCounter = new LineCounter();
  // A byte-order mark is invisible in editors; dropping it keeps first-line columns where users see them.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) throw new SpecError(sortProblems(doc.errors.map((e) => syntaxProblem(e, file, lineCounter))));
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (raw === null || raw === undefined) {
    throw new SpecError([{ file, line: 1, column: 1, path: '', message: 'the job spec is empty (it needs at least name, data and model)' }]);
  }
  return { raw, sourceMap: new SpecSourceMap(doc, lineCounter) };
}

/**
 * Reports everything wrong with the spec as written (and overridden): its shape, the hyperparameter rules,
 * placeholder names, and explicitly given hyperparameter values. Returns those values, typed.
 */
function checkSpec(spec: unknown, givenValues: HyperparameterValues | undefined, report: ProblemReport): HyperparameterValues {
  const schemaIssues = validateAgainstSchema(spec);
  for (const issue of schemaIssues) report.add(issue.path, issue.message, issue.suggestion, issue.part);

  // The rules read typed fields, so they run only on a hyperparameters section that has the right shape.
  const section = (spec as Partial<JobSpec> | null)?.hyperparameters;
  const sectionValid = section !== undefined && !schemaIssues.some((i) => isWithin(i.path, ['hyperparameters']));
  const hyperparameters = sectionValid ? normalizeIntegerStrings(spec as JobSpec).hyperparameters : undefined;
  const violations = hyperparameters ? checkHyperparameterRules(hyperparameters) : [];
  for (const v of violations) report.add(v.path, `${v.message} (rule: ${v.rule})`);

  const placeholders = findPlaceholders(spec);
  // A malformed placeholder in a field that takes only numbers or placeholders is already a schema issue.
  const malformed = placeholders.problems.filter((p) => !schemaIssues.some((i) => formatPath(i.path) === formatPath(p.path)));
  for (const p of [...malformed, ...checkPlaceholderNames(placeholders.uses, parameterNames(spec))]) report.add(p.path, p.message, p.suggestion);

  // Values can only be checked against parameters that are themselves valid.
  if (!givenValues || (section !== undefined && (!hyperparameters || violations.length > 0))) return {};
  const checked = checkHyperparameterValues(hyperparameters, givenValues);
  for (const p of checked.problems) report.add(p.path, p.message, p.suggestion);
  return checked.values;
}

/** Defaults, then placeholders; a substituted value is checked against its field once more. */
function completeSpec(checked: JobSpec, given: HyperparameterValues, report: ProblemReport): { spec: JobSpec; hyperparameters: HyperparameterValues } {
  const { $schema: _editorHint, ...withoutSchemaKey } = checked as JobSpec & { $schema?: string };
  const spec = applySpecDefaults(normalizeIntegerStrings(withoutSchemaKey));
  const hyperparameters = { ...(spec.hyperparameters ? defaultHyperparameterValues(spec.hyperparameters) : {}), ...given };
  const resolved = resolvePlaceholders(spec, hyperparameters);

  // A value can fit its parameter and still not fit the field it lands in (`units: "{{activation}}"`).
  if (resolved.substitutions.length > 0) {
    for (const issue of validateAgainstSchema(resolved.spec)) {
      const cause = resolved.substitutions.find((s) => isWithin(issue.path, s.path));
      if (cause) report.add(issue.path, `${issue.message} (from ${cause.template} = ${JSON.stringify(cause.value)})`, issue.suggestion, issue.part);
    }
  }
  return { spec: resolved.spec as JobSpec, hyperparameters };
}

/** Collects problems, placing each in the file, or on the command line when an override caused it. */
class ProblemReport {
  private readonly problems: SpecProblem[] = [];

  constructor(
    private readonly file: string,
    private readonly sourceMap: SpecSourceMap,
    private readonly overrides: readonly Override[],
  ) {}

  add(path: PathSegment[], message: string, suggestion?: string, part: 'key' | 'value' = 'value'): void {
    const override = overrideFor(path, this.overrides);
    // A problem an override caused is not in the file: pointing at the file's line would blame the wrong text.
    if (override) this.push({ line: 0, column: 0 }, path, `${message} (from --set ${override.text})`, suggestion);
    else this.push(this.sourceMap.locate(path, part), path, message, suggestion);
  }

  /** A problem with the command line itself, such as a malformed `--set`. */
  addCommandLine(path: PathSegment[], message: string): void {
    this.push({ line: 0, column: 0 }, path, message);
  }

  private push(position: SourcePosition, path: PathSegment[], message: string, suggestion?: string): void {
    const problem: SpecProblem = { file: this.file, ...position, path: formatPath(path), message };
    if (suggestion !== undefined) problem.suggestion = suggestion;
    if (!this.problems.some((p) => p.path === problem.path && p.message === problem.message)) this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new SpecError(sortProblems(this.problems));
  }
}

/** By position; problems without one (the command line's) first. The sort is stable, so ties keep their order. */
function sortProblems(problems: SpecProblem[]): SpecProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

function syntaxProblem(error: YAMLError, file: string, lineCounter: LineCounter): SpecProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return { file, line, column: col, path: '', message: `invalid YAML: ${error.message}` };
}

/** The parameter names, read defensively: this runs whether or not the hyperparameters section is valid. */
function parameterNames(spec: unknown): string[] {
  const params = (spec as { hyperparameters?: { params?: unknown } } | null)?.hyperparameters?.params;
  if (!Array.isArray(params)) return [];
  return params.map((p) => (p as { parameterName?: unknown } | null)?.parameterName).filter((n): n is string => typeof n === 'string');
}
