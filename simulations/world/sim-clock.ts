/**
 * Simulated time: xstate's SimulatedClock, plus `now()` in epoch milliseconds and exact stepping —
 * `advance()` fires each due timer at its own due time, then lets every promise chain it started
 * settle before the next one, so effects observe the same order of events as in real time.
 */
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../effects/ports.js';
import { quietly } from './quiesce.js';

export const SIM_EPOCH = Date.UTC(2026, 0, 1);

/** Let every pending promise chain run (no real timer or I/O is involved in the simulation). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: (...args: unknown[]) => void;
}

export class SimClock extends SimulatedClock implements Clock {
  /**
   * Pending timers in firing order: by due time, then creation (ids grow); no scan at every step. A
   * handful are pending at a time, so `clearTimeout` finds its timer by a scan from the end (where
   * the latest, most often cancelled, sit) rather than keeping an index beside it.
   */
  private readonly queue: Timer[] = [];
  private time = 0;
  private ids = 0;
  private flushing = false;

  constructor(start = SIM_EPOCH) {
    super();
    this.time = start;
  }

  override now(): number {
    return this.time;
  }

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const ms = Math.max(0, Number.isFinite(timeout) ? Math.ceil(timeout) : 0); // whole ms: no float drift
    const id = this.ids++;
    const timer = { id, due: this.time + ms, fn };
    const queue = this.queue;
    let at = queue.length;
    while (at > 0 && (queue[at - 1] as Timer).due > timer.due) at -= 1;
    if (at === queue.length) queue.push(timer);
    else queue.splice(at, 0, timer);
    return id;
  }

  override clearTimeout(id: unknown): void {
    const queue = this.queue;
    for (let at = queue.length - 1; at >= 0; at -= 1) {
      if ((queue[at] as Timer).id === id) {
        queue.splice(at, 1); // at once: a cancelled timer keeps nothing alive
        return;
      }
    }
  }

  override set(time: number): void {
    if (this.time > time) throw new Error('Unable to travel back in time');
    this.time = time;
    this.fireDue();
  }

  override increment(ms: number): void {
    this.set(this.time + ms);
  }

  /** The earliest pending timer, the first created among equals (undefined: none). */
  private first(): Timer | undefined {
    return this.queue[0];
  }

  /**
   * Fire every due timer, earliest first and in creation order for equal due times, including those
   * set while firing (what xstate's SimulatedClock does).
   */
  private fireDue(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let t = this.first(); t !== undefined && t.due <= this.time; t = this.first()) {
        this.queue.shift();
        t.fn.call(null);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Pending timers. */
  get pending(): number {
    return this.queue.length;
  }

  nextDue(): number | undefined {
    return this.first()?.due;
  }

  /**
   * Advance to `target`, firing every timer at its own due time and letting the promise chains it
   * started settle before the next one. The wait for the microtask queue is a callback (quiesce.ts),
   * not a promise per timer: a simulated hour has thousands of timers.
   */
  advanceTo(target: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const step = (): void => {
        try {
          const next = this.nextDue();
          if (next !== undefined && next <= target) {
            this.set(Math.max(next, this.now())); // a timer due now (or earlier) fires now
            again();
            return;
          }
          if (target > this.now()) this.set(target);
          settle().then(resolve, reject);
        } catch (error) {
          reject(error as Error); // what a timer threw, as the awaited advance used to reject
        }
      };
      const again = quietly(step);
      again();
    });
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.now() + ms);
  }

  /** Advance until `done` settles (or `limitMs` of simulated time passes). */
  async runUntil<T>(done: Promise<T>, limitMs = 3_600_000): Promise<T> {
    let finished = false;
    const result = done.finally(() => { finished = true; });
    const end = this.now() + limitMs;
    await settle();
    while (!finished && this.now() < end) {
      const next = this.nextDue();
      if (next === undefined || next > end) break;
      await this.advanceTo(next);
    }
    if (!finished) throw new Error(`simulation: still pending after ${limitMs} ms of simulated time`);
    return result;
  }
}
