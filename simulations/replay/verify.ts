/** Comparing a replay with its recording: the first divergence, by recorded line number (`seq`). */
import type { TimelineEntry } from '../../link/recording-format.js';
import type { ParsedRecording } from './parse.js';

/** What verification needs of a recording. */
type Recorded = Pick<ParsedRecording, 'states' | 'lastSeq'>;

export interface Divergence {
  /** The recorded line where the replay first differs. */
  readonly seq: number;
  /** `state`: the timelines differ; `event`: a delayed event fired where the recording has none (or not where it has one). */
  readonly kind: 'state' | 'event';
  readonly expected: unknown;
  readonly actual: unknown;
}

const same = (a: TimelineEntry, b: TimelineEntry): boolean =>
  a.at === b.at && a.state === b.state && a.code === b.code && a.reason === b.reason;

const plain = (e: TimelineEntry | undefined): TimelineEntry | null =>
  e === undefined ? null : { at: e.at, state: e.state, reason: e.reason, code: e.code };

export function timelineDivergence(recording: Recorded, timeline: readonly TimelineEntry[]): Divergence | null {
  const n = Math.max(recording.states.length, timeline.length);
  for (let i = 0; i < n; i += 1) {
    const expected = recording.states[i];
    const actual = timeline[i];
    if (expected && actual && same(expected, actual)) continue;
    return { seq: expected?.seq ?? recording.lastSeq, kind: 'state', expected: plain(expected), actual: plain(actual) };
  }
  return null;
}

export function firstDivergence(recording: Recorded, timeline: readonly TimelineEntry[], events: readonly Divergence[]): Divergence | null {
  const candidates = [timelineDivergence(recording, timeline), ...events].filter((d): d is Divergence => d !== null);
  candidates.sort((a, b) => a.seq - b.seq);
  return candidates[0] ?? null;
}
