import type { Task } from '../spec/jobSpec';

/** What the data dictates about a model: the width of a transformed example and the output the task needs. */
export interface ModelShape {
  inputShape: number[];
  task: Task;
  /** Number of classes, or 1 for regression. */
  outputUnits: number;
}
