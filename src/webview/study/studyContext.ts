/** What the study view's parts share: the data, the persisted UI choices, and how to export and persist. */
import type { Exporter } from '../charts/exportChart';
import type { StudyUi } from '../uiState';
import type { CurveStore, StudyStore } from './studyStore';

export interface StudyContext {
  store: StudyStore;
  curves: CurveStore;
  ui: StudyUi;
  exporter: Exporter;
  /** The UI choices changed: persist them (debounced by the app). */
  persist(): void;
}

/** Curves overlaid at once: each is a full history request and a live subscription. */
export const MAX_CURVES = 24;
