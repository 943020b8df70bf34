// PLACEHOLDER (replaced by the runtime-host work): backend/device and running jobs in the status bar.
import type { ExtensionServices } from './services';
export function registerStatusBar(_services: ExtensionServices): void {}
