// PLACEHOLDER (replaced by the runtime-host work): CodeLens, diagnostics and completion for job specs.
import type { ExtensionServices } from '../services';
export function registerEditorFeatures(_services: ExtensionServices): void {}
