import type { Tracker } from './tracker.js';

/** Run `work` and let the tracker (if any) wait for it; the result is passed through untouched. */
export function tracked<T>(tracker: Tracker | undefined, work: Promise<T>): Promise<T> {
  tracker?.track(work);
  return work;
}
