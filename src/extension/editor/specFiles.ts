/**
 * Which files are Model Lab job specs: `modellab.yaml` and `<name>.modellab.yaml` (`.yml` too). One
 * place, so the CodeLens, the diagnostics, the completion and the commands agree. No vscode here.
 */

/** For `workspace.findFiles`. */
export const SPEC_GLOB = '**/{modellab.yaml,modellab.yml,*.modellab.yaml,*.modellab.yml}';

/** For document selectors (`DocumentFilter.pattern`). */
export const SPEC_PATTERN = '**/{modellab.yaml,modellab.yml,*.modellab.yaml,*.modellab.yml}';

const SPEC_NAME = /(^|\.)modellab\.ya?ml$/i;

/** True for `…/modellab.yaml` and `…/x.modellab.yaml` (either slash). */
export function isJobSpecPath(path: string): boolean {
  const name = path.split(/[\\/]/).pop() ?? '';
  return SPEC_NAME.test(name);
}
