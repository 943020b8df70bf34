/** Shared helpers for the job spec tests. */
import assert from 'node:assert/strict';
import { type LoadOptions, parseJobSpecText } from '../../../src/runtime/spec/loadJobSpec';
import { SpecError, type SpecProblem } from '../../../src/runtime/spec/specError';

export const FILE = '/work/project/modellab.yaml';

/** A small valid spec; tests add to it or break it. */
export const BASE = `name: iris
data:
  source: data/iris.csv
  label: species
model:
  layers:
    - { type: dense, units: 16, activation: relu }
training:
  epochs: 10
`;

/** The problems of a spec that must not load. */
export function problemsOf(text: string, options?: LoadOptions): SpecProblem[] {
  try {
    parseJobSpecText(text, FILE, options);
  } catch (error) {
    assert.ok(error instanceof SpecError, `expected a SpecError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the spec to be rejected');
}

/** The one problem at `path`; fails when there is none or several. */
export function problemAt(problems: SpecProblem[], path: string): SpecProblem {
  const found = problems.filter((p) => p.path === path);
  assert.equal(found.length, 1, `expected one problem at '${path}', got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return found[0];
}

/** A spec with the given hyperparameters section (YAML, indented as under `hyperparameters:`). */
export function withHyperparameters(section: string, body = BASE): string {
  return `${body}hyperparameters:\n${section.replace(/^\n/, '')}`;
}
