// PLACEHOLDER (replaced by the models work): model folders, Models and Endpoints trees, serve/predict/batch.
import type { ExtensionServices, ModelActions } from '../services';
export function registerModelCommands(_services: Omit<ExtensionServices, 'models'>): ModelActions {
  return {
    serveFolder: async () => undefined,
    registerFolder: async () => undefined,
  };
}
