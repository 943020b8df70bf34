/** A human summary of a fitted transform — column → transform → output width — for the CLI and reports. */
import type { FittedTransform } from './fittedTransform';
import { opFor } from './ops';

export interface FeatureSummary {
  column: string;
  transform: string;
  /** Output columns this feature adds to the model input. */
  width: number;
  /** The fitted statistics in a few words. */
  detail: string;
}

export function summarizeTransform(t: FittedTransform): FeatureSummary[] {
  return t.features.map((f) => {
    const op = opFor(f.transform);
    return { column: f.column, transform: f.transform, width: op ? op.width(f) : 0, detail: op ? op.detail(f) : 'unknown transform' };
  });
}

export function describeTransform(t: FittedTransform): string {
  const rows = summarizeTransform(t).map((s) => [s.column, s.transform, String(s.width), s.detail]);
  const header = ['column', 'transform', 'width', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const label =
    t.label.task === 'classification'
      ? `label: ${t.label.column} (classification, ${t.label.classes.length} classes: ${t.label.classes.join(', ')})`
      : `label: ${t.label.column} (regression)`;
  return [line(header), ...rows.map(line), `input width: ${t.inputWidth}`, label].join('\n');
}
