// PLACEHOLDER (replaced by the panels work): experiment panels, their serializer, the Runs & Studies tree.
import type { ExtensionServices, PanelOpener } from '../services';
export function registerExperimentViews(_services: Omit<ExtensionServices, 'panels'>): PanelOpener {
  return { open: async () => undefined };
}
