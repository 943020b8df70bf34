/**
 * A job spec's problems as the runtime reports them: the same loader (parse, schema, hyperparameter
 * rules, placeholders). This module pulls in ajv and the schema, so the extension loads it with
 * `import()` on first use. No vscode here.
 */
import { parseJobSpecText } from '../../runtime/spec/loadJobSpec';
import { type SpecProblem, SpecError } from '../../runtime/spec/specError';

/** Problems of the spec text `text` saved at `file`; [] when it is valid. */
export function validateSpecText(text: string, file: string): SpecProblem[] {
  try {
    parseJobSpecText(text, file);
    return [];
  } catch (err) {
    if (err instanceof SpecError) return err.problems;
    return [{ file, line: 0, column: 0, path: '', message: err instanceof Error ? err.message : String(err) }];
  }
}
