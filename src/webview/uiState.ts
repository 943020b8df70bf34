/**
 * UI choices persisted with `setState` beside the panel's target, so a reloaded or re-shown panel comes back
 * as the user left it. Read defensively: the state may come from an older version of the webview.
 */
import type { PanelTarget, TrialRowState } from '../protocol/webviewProtocol';
import { TRIAL_STATES, type BrushIntervals, type SortSpec } from './study/trialQuery';

export const STUDY_TABS = ['curves', 'best', 'parallel', 'scatter', 'importance'] as const;
export type StudyTab = (typeof STUDY_TABS)[number];

export interface StudyUi {
  sort: SortSpec;
  states: TrialRowState[];
  text: string;
  selected: string[];
  brush: BrushIntervals;
  scatterParam?: string;
  curveMetric?: string;
  tab: StudyTab;
}

export function defaultStudyUi(): StudyUi {
  return { sort: { key: 'id', dir: 'asc' }, states: [], text: '', selected: [], brush: {}, tab: 'curves' };
}

function isIntervalList(v: unknown): v is [number, number][] {
  return Array.isArray(v) && v.every((iv) => Array.isArray(iv) && iv.length === 2 && iv.every((n) => typeof n === 'number'));
}

export function readStudyUi(raw: Record<string, unknown> | undefined): StudyUi {
  const ui = defaultStudyUi();
  if (!raw) return ui;
  const sort = raw.sort as Partial<SortSpec> | undefined;
  if (sort && typeof sort.key === 'string' && (sort.dir === 'asc' || sort.dir === 'desc')) ui.sort = { key: sort.key as SortSpec['key'], dir: sort.dir };
  if (Array.isArray(raw.states)) ui.states = raw.states.filter((s): s is TrialRowState => TRIAL_STATES.includes(s as TrialRowState));
  if (typeof raw.text === 'string') ui.text = raw.text;
  if (Array.isArray(raw.selected)) ui.selected = raw.selected.filter((s): s is string => typeof s === 'string');
  if (raw.brush && typeof raw.brush === 'object') {
    for (const [k, v] of Object.entries(raw.brush as Record<string, unknown>)) if (isIntervalList(v)) ui.brush[k] = v;
  }
  if (typeof raw.scatterParam === 'string') ui.scatterParam = raw.scatterParam;
  if (typeof raw.curveMetric === 'string') ui.curveMetric = raw.curveMetric;
  if (STUDY_TABS.includes(raw.tab as StudyTab)) ui.tab = raw.tab as StudyTab;
  return ui;
}

export function sameTarget(a: PanelTarget | undefined, b: PanelTarget | undefined): boolean {
  if (!a || !b || a.kind !== b.kind || a.workspace !== b.workspace) return false;
  return a.kind === 'study' ? a.studyId === (b as typeof a).studyId : a.runId === (b as typeof a).runId;
}
