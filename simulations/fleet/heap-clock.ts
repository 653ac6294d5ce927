/**
 * A simulated clock for thousands of actors: timers live in a binary min-heap ordered by due time,
 * then by creation order (FIFO for equal due times). xstate's SimulatedClock sorts every pending
 * timeout on each step, which is quadratic for a fleet; this one is O(log n) per timer.
 *
 * It is driven synchronously (`runUntil`): the fleet effects use the same clock and no promises,
 * so each fired timer completes its whole cascade of actor events before the next one fires.
 */
import type { Clock } from '../../effects/ports.js';

export const FLEET_EPOCH = Date.UTC(2026, 0, 1);

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class HeapClock implements Clock {
  private readonly heap: Timer[] = [];
  /** Live timers by id (a cleared timer stays in the heap until popped, or until a compaction). */
  private readonly live = new Map<number, Timer>();
  private seq = 0;
  private time: number;
  /** Timers fired so far. */
  fired = 0;

  constructor(start = FLEET_EPOCH) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const delay = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0; // whole ms: no float drift
    this.seq += 1;
    const timer: Timer = { due: this.time + delay, seq: this.seq, fn };
    this.live.set(timer.seq, timer);
    this.push(timer);
    return timer.seq;
  }

  clearTimeout(id: unknown): void {
    this.live.delete(id as number);
    if (this.heap.length > 1024 && this.heap.length > 4 * this.live.size) this.compact();
  }

  get pending(): number {
    return this.live.size;
  }

  /** Due time of the next live timer. */
  nextDue(): number | undefined {
    this.dropCleared();
    return this.heap[0]?.due;
  }

  /**
   * Fire every timer due at or before `target`, each at its own due time, until `stop()` says so.
   * Returns true when stopped by `stop`. The clock ends at `target` unless stopped earlier.
   */
  runUntil(target: number, stop: () => boolean = () => false): boolean {
    for (;;) {
      if (stop()) return true;
      this.dropCleared();
      const top = this.heap[0];
      if (top === undefined || top.due > target) break;
      this.pop();
      this.live.delete(top.seq);
      if (top.due > this.time) this.time = top.due;
      this.fired += 1;
      top.fn();
    }
    if (target > this.time) this.time = target;
    return stop();
  }

  advance(ms: number, stop?: () => boolean): boolean {
    return this.runUntil(this.time + ms, stop);
  }

  private dropCleared(): void {
    while (this.heap.length > 0 && !this.live.has((this.heap[0] as Timer).seq)) this.pop();
  }

  private compact(): void {
    const kept = this.heap.filter((t) => this.live.has(t.seq));
    this.heap.length = 0;
    for (const t of kept) this.push(t);
  }

  private static before(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    let i = h.length;
    h.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Timer;
      if (!HeapClock.before(timer, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = timer;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && HeapClock.before(h[r] as Timer, h[l] as Timer) ? r : l;
      if (!HeapClock.before(h[child] as Timer, last)) break;
      h[i] = h[child] as Timer;
      i = child;
    }
    h[i] = last;
  }
}
