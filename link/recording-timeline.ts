/**
 * The state timeline of a run, derived the same way when recording and when replaying: one entry
 * whenever the state path or the reason code changes, at the machine time of the event that caused
 * it (`nowOf` over the context before the event: an event's own stamp, or a timer's due time).
 */
import { nowOf } from '../machines/clock.js';
import type { LinkContext } from '../machines/types.js';
import type { TimelineEntry } from './recording-format.js';
import { statePath } from './state.js';

export class TimelineTracker {
  private previous: LinkContext | null = null;
  private last = '';

  constructor(private readonly clean: (text: string) => string = (t) => t) {}

  /** The entry for a root snapshot, or null when neither the state nor the reason code changed. */
  observe(snapshot: unknown, event: unknown): TimelineEntry | null {
    const s = snapshot as { status?: string; value?: unknown; context?: LinkContext };
    if (s.status !== 'active' || !s.context) return null;
    const e = (typeof event === 'object' && event !== null ? event : { type: '' }) as { type: string };
    const at = this.previous ? nowOf(this.previous, e) : s.context.now;
    this.previous = s.context;
    const state = statePath(s.value);
    const { code, text } = s.context.reason;
    const key = `${state}\u0000${code}`;
    if (key === this.last) return null;
    this.last = key;
    return { at, state, reason: this.clean(text), code };
  }
}
