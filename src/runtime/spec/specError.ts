/** A problem in a job spec, located so an editor or a terminal can point at it. */
export interface SpecProblem {
  file: string;
  /** 1-based; 0 when the problem has no position (e.g. a missing file). */
  line: number;
  column: number;
  /** JSON-pointer-like dotted path of the field at fault, e.g. `training.optimizer.learningRate`. */
  path: string;
  message: string;
  /** The closest valid name, for typos. */
  suggestion?: string;
}

export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatSpecProblem).join('\n'));
    this.name = 'SpecError';
  }
}

export function formatSpecProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  const field = p.path ? ` ${p.path}:` : '';
  const hint = p.suggestion ? ` (did you mean '${p.suggestion}'?)` : '';
  return `${where}:${field} ${p.message}${hint}`;
}
