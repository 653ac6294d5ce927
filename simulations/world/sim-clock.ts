/**
 * Simulated time: xstate's SimulatedClock, plus `now()` in epoch milliseconds and exact stepping —
 * `advance()` fires each due timer at its own due time, then lets every promise chain it started
 * settle before the next one, so effects observe the same order of events as in real time.
 */
import { promiseHooks } from 'node:v8';
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../effects/ports.js';

export const SIM_EPOCH = Date.UTC(2026, 0, 1);

/** Let every pending promise chain run (no real timer or I/O is involved in the simulation). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Promise reaction jobs run so far, counted while a clock is advancing. */
let jobs = 0;
const countJob = (): void => {
  jobs += 1;
};
/** Clocks advancing right now; the hook is installed once for all of them. */
let advancing = 0;
let stopHook: ReturnType<typeof promiseHooks.onBefore> | null = null;
const startCounting = (): void => {
  advancing += 1;
  if (advancing === 1) stopHook = promiseHooks.onBefore(countJob);
};
const stopCounting = (): void => {
  advancing -= 1;
  if (advancing === 0) {
    stopHook?.();
    stopHook = null;
  }
};

/**
 * Like `settle`, without a turn of the event loop: resolves once the microtask queue is empty. It
 * queues a probe job and looks whether any other job ran before it; if none did, nothing was left
 * to run (the simulation starts no real I/O, timer or `nextTick`). Needs the job counter installed.
 */
const quiesce = (): Promise<void> => new Promise((resolve) => {
  const probe = (): void => {
    const before = jobs;
    void Promise.resolve().then(() => (jobs === before + 1 ? resolve() : probe()));
  };
  probe();
});

export class SimClock extends SimulatedClock implements Clock {
  private readonly due = new Map<number, number>();

  constructor(start = SIM_EPOCH) {
    super();
    super.set(start);
  }

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const ms = Math.max(0, Number.isFinite(timeout) ? Math.ceil(timeout) : 0); // whole ms: no float drift
    const id = super.setTimeout(() => {
      this.due.delete(id);
      fn();
    }, ms);
    this.due.set(id, this.now() + ms);
    return id;
  }

  override clearTimeout(id: unknown): void {
    this.due.delete(id as number);
    super.clearTimeout(id as number);
  }

  /** Pending timers. */
  get pending(): number {
    return this.due.size;
  }

  nextDue(): number | undefined {
    let min: number | undefined;
    for (const t of this.due.values()) if (min === undefined || t < min) min = t;
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
