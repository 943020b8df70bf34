/**
 * Job-spec problems placed in the text: the runtime's problems carry 1-based line/column; an editor
 * wants 0-based ranges over the offending word. No vscode here, and nothing heavy (types only).
 */
import type { SpecProblem } from '../../runtime/spec/specError';

export interface ProblemRange {
  /** 0-based. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
  /** The field's dotted path (shown as the diagnostic's code). */
  path: string;
}

/** Where each problem sits in `text`: over the word at its position (a key, a value), else one character. */
export function problemRanges(problems: readonly SpecProblem[], text: string): ProblemRange[] {
  const lines = text.split(/\r?\n/);
  return problems.map((p) => {
    const message = p.suggestion ? `${p.message} (did you mean '${p.suggestion}'?)` : p.message;
    if (p.line <= 0) return { line: 0, character: 0, endLine: 0, endCharacter: Math.max(1, (lines[0] ?? '').length), message, path: p.path };
    const line = Math.min(p.line - 1, Math.max(0, lines.length - 1));
    const lineText = lines[line] ?? '';
    const character = Math.min(Math.max(0, p.column - 1), lineText.length);
    const word = /^("[^"]*"|'[^']*'|[^\s:,{}[\]#]+)/.exec(lineText.slice(character));
    const endCharacter = word ? character + word[0].length : Math.min(character + 1, Math.max(lineText.length, character + 1));
    return { line, character, endLine: line, endCharacter, message, path: p.path };
  });
}
