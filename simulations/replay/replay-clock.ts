/**
 * The replay's clock: xstate's actor clock (setTimeout/clearTimeout) over simulated time that only
 * moves when the replay says so. Timers fire in due order (then creation order), each at its due time.
 * At most `maxFired` timers fire in one replay (RECORDING_TOO_MANY_TIMERS): a recording whose settings
 * make the machine loop on short timers (e.g. a 1 ms budget and no backoff) cannot replay for ever.
 */
import { LinkError } from '../../effects/errors.js';

/** Timers one replay may fire by default (a month of an unreachable cloud fires about 120 000). */
export const DEFAULT_MAX_TIMERS = 250_000;

interface Timer {
  readonly due: number;
  readonly fn: () => void;
}

export class ReplayClock {
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private time: number;
  private totalFired = 0;

  constructor(start: number, private readonly maxFired = DEFAULT_MAX_TIMERS) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    const ms = Number.isFinite(timeout) ? Math.max(0, timeout) : 0;
    this.timers.set(id, { due: this.time + ms, fn: () => fn() });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward (never back), without firing anything. */
  moveTo(time: number): void {
    if (time > this.time) this.time = time;
  }

  /**
   * Fire, one at a time and in due order, the timers due before `limit` (or at it, when `inclusive`),
   * at most `max` of them.
   */
  fireUntil(limit: number, inclusive: boolean, max = Infinity): number {
    let fired = 0;
    while (fired < max) {
      let nextId: number | undefined;
      let next: Timer | undefined;
      for (const [id, timer] of this.timers) {
        if (next === undefined || timer.due < next.due) {
          next = timer;
          nextId = id;
        }
      }
      if (next === undefined || nextId === undefined || (inclusive ? next.due > limit : next.due >= limit)) return fired;
      if (this.totalFired >= this.maxFired) {
        throw new LinkError('RECORDING_TOO_MANY_TIMERS', `the replay fired ${this.totalFired} timers, the most one replay may (the recording's settings or times make the machine loop)`);
      }
      this.totalFired += 1;
      this.timers.delete(nextId);
      this.moveTo(next.due);
      next.fn();
      fired += 1;
    }
    return fired;
  }
}
