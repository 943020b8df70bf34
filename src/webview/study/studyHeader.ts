/** The study's header line (name, state, algorithm, goal, metric, progress, best) and its actions. */
import type { StudyHeader, TrialRow } from '../../protocol/webviewProtocol';
import { formatNumber, h } from '../ui/dom';

export interface StudyActions {
  stopStudy(): void;
  stopTrial(): void;
  openFolder(): void;
  registerBest(): void;
  serveBest(): void;
}

export class StudyHeaderView {
  readonly el: HTMLElement;
  private readonly title = h('h2', { 'data-role': 'study-name' });
  private readonly state = h('span', { class: 'badge', 'data-role': 'study-state' });
  private readonly facts = h('div', { class: 'facts' });
  private readonly progressBar = h('div', { class: 'progress-fill' });
  private readonly progressText = h('span', { 'data-role': 'study-progress' });
  private readonly message = h('div', { class: 'message' });
  private readonly buttons: Record<keyof StudyActions, HTMLButtonElement>;

  constructor(actions: StudyActions) {
    const button = (key: keyof StudyActions, text: string, title: string, secondary = true) => {
      const b = h('button', { class: secondary ? 'button secondary' : 'button', 'data-action': key, text, title });
      b.addEventListener('click', () => actions[key]());
      return b;
    };
    this.buttons = {
      stopStudy: button('stopStudy', 'Stop study', 'Stop the study: running trials are stopped, no new ones start', false),
      stopTrial: button('stopTrial', 'Stop trial', 'Stop the selected running trial'),
      openFolder: button('openFolder', 'Open run folder', "Reveal the selected (or best) trial's run folder"),
      registerBest: button('registerBest', 'Register best model', "Register the best trial's model bundle as a new model version"),
      serveBest: button('serveBest', 'Serve best model', "Serve the best trial's model bundle on a local endpoint"),
    };
    this.el = h(
      'header',
      { class: 'view-header' },
      h('div', { class: 'title-line' }, this.title, this.state),
      this.facts,
      h('div', { class: 'progress-line' }, h('div', { class: 'progress', role: 'progressbar' }, this.progressBar), this.progressText),
      this.message,
      h('div', { class: 'actions' }, ...Object.values(this.buttons)),
    );
  }

  update(header: StudyHeader, trials: Iterable<TrialRow>, best: TrialRow | undefined, live: boolean, selected: TrialRow[]): void {
    let done = 0;
    let running = 0;
    for (const t of trials) {
      if (t.state === 'completed' || t.state === 'stopped' || t.state === 'failed') done++;
      else if (t.state === 'running') running++;
    }
    this.title.textContent = header.name || header.studyId;
    const state = header.interrupted ? 'INTERRUPTED' : header.state;
    this.state.textContent = state.toLowerCase();
    this.state.className = `badge state-${state.toLowerCase()}`;
    const bestValue = header.best?.objective ?? best?.objective;
    const bestId = header.best?.trialId ?? best?.trialId;
    const fact = (label: string, value: string, role?: string) => h('span', { class: 'fact' }, h('span', { class: 'label', text: label }), h('span', { text: value, 'data-role': role }));
    this.facts.replaceChildren(
      fact('Algorithm', header.algorithm || 'default'),
      fact('Goal', `${header.goal.toLowerCase()} ${header.metricTag}`),
      fact('Parallel', String(header.parallel)),
      fact('Best', bestId !== undefined ? `#${bestId} = ${formatNumber(bestValue)}` : '—', 'study-best'),
      fact('Running', String(running)),
    );
    const max = Math.max(header.maxTrials, 1);
    this.progressBar.style.width = `${Math.min(100, (100 * done) / max)}%`;
    this.progressText.textContent = `${done} / ${header.maxTrials} trials done`;
    this.message.textContent = header.message ?? '';
    this.message.hidden = !header.message;
    const running_ = header.state === 'RUNNING' && !header.interrupted;
    this.buttons.stopStudy.disabled = !(live && running_);
    this.buttons.stopTrial.disabled = !(live && selected.some((t) => t.state === 'running'));
    this.buttons.openFolder.disabled = selected.length === 0 && !best;
    this.buttons.registerBest.disabled = !best;
    this.buttons.serveBest.disabled = !best;
  }
}
