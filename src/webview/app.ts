/**
 * The panel app: waits for `init`, builds the study or run view, forwards live messages to it, and persists
 * the target with the view's UI choices (debounced) so a reload restores both.
 */
import type { HostMessage, PanelState, PanelTarget } from '../protocol/webviewProtocol';
import { chartByName } from './charts/chartCard';
import { Exporter } from './charts/exportChart';
import { Host } from './host';
import { RunView } from './run/runView';
import { StudyView } from './study/studyView';
import { h, Notices } from './ui/dom';
import { readStudyUi, sameTarget, type StudyUi } from './uiState';

export class App {
  private readonly host: Host;
  private readonly notices = new Notices();
  private readonly exporter: Exporter;
  private readonly content = h('main', { class: 'content' }, h('div', { class: 'loading', text: 'Loading…' }));
  private view?: StudyView | RunView;
  private target?: PanelTarget;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: HTMLElement) {
    this.host = new Host((m) => this.onMessage(m));
    this.exporter = new Exporter(this.host, this.notices);
    root.replaceChildren(this.notices.el, this.content);
    const saved = this.host.getState();
    this.host.post({ type: 'ready', target: saved?.target });
  }

  private onMessage(m: HostMessage): void {
    if (m.type === 'init') {
      this.init(m.target, m);
      return;
    }
    this.view?.onMessage(m);
  }

  private init(target: PanelTarget, m: Extract<HostMessage, { type: 'init' }>): void {
    // A re-sent init for the same target keeps the current choices; else the saved ones if they are this target's.
    const previous = this.view instanceof StudyView && sameTarget(this.target, target) ? this.view.uiState() : undefined;
    const saved = this.host.getState();
    const savedUi = sameTarget(saved?.target, target) ? saved?.ui : undefined;
    this.view?.dispose();
    this.target = target;
    const snapshot = m.snapshot;
    if (snapshot.kind === 'study') {
      const ui: StudyUi = previous ?? readStudyUi(savedUi);
      this.view = new StudyView(this.host, this.notices, this.exporter, snapshot, ui, () => this.persist());
    } else {
      this.view = new RunView(this.host, this.notices, this.exporter, snapshot);
    }
    this.content.replaceChildren(this.view.el);
    this.persist();
  }

  private persist(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      if (!this.target) return;
      const state: PanelState = { target: this.target, ui: this.view instanceof StudyView ? { ...this.view.uiState() } : undefined };
      this.host.setState(state);
    }, 150);
  }
}

/** Read-only hooks for the harness, tests and benchmarks: chart options and dispatching chart actions. */
export const debugHooks = {
  chartOption: (name: string) => chartByName(name)?.chart?.getOption(),
  dispatch: (name: string, action: Record<string, unknown>) => chartByName(name)?.chart?.dispatchAction(action as { type: string }),
};
