/**
 * Simulated time: xstate's SimulatedClock, plus `now()` in epoch milliseconds and exact stepping —
 * `advance()` fires each due timer at its own due time, then lets every promise chain it started
 * settle before the next one, so effects observe the same order of events as in real time.
 */
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../effects/ports.js';
import { quiesce, startCounting, stopCounting } from './quiesce.js';

export const SIM_EPOCH = Date.UTC(2026, 0, 1);

/** Let every pending promise chain run (no real timer or I/O is involved in the simulation). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Timer {
  readonly due: number;
  readonly fn: (...args: unknown[]) => void;
}

export class SimClock extends SimulatedClock implements Clock {
  /** Pending timers in creation order (ids grow), with their due time. */
  private readonly timers = new Map<number, Timer>();
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
    this.timers.set(id, { due: this.time + ms, fn });
    return id;
  }

  override clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  override set(time: number): void {
    if (this.time > time) throw new Error('Unable to travel back in time');
    this.time = time;
    this.fireDue();
  }

  override increment(ms: number): void {
    this.set(this.time + ms);
  }

  /**
   * Fire every due timer, earliest first and in creation order for equal due times, including those
   * set while firing (what xstate's SimulatedClock does, without sorting every pending timer).
   */
  private fireDue(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        let firstId = -1;
        let first: Timer | undefined;
        for (const [id, t] of this.timers) if (t.due <= this.time && (first === undefined || t.due < first.due)) {
          first = t;
          firstId = id;
        }
        if (first === undefined) break;
        this.timers.delete(firstId);
        first.fn.call(null);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  nextDue(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.values()) if (min === undefined || t.due < min) min = t.due;
    return min;
  }

  /** Advance to `target`, firing every timer at its own due time. */
  async advanceTo(target: number): Promise<void> {
    startCounting();
    try {
      await quiesce();
      for (;;) {
        const next = this.nextDue();
        if (next === undefined || next > target) break;
        if (next > this.now()) this.set(next);
        else this.set(this.now()); // due now: flush
        await quiesce();
      }
      if (target > this.now()) this.set(target);
      await quiesce();
    } finally {
      stopCounting();
    }
    await settle();
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
