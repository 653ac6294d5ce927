import { describe, expect, test } from 'vitest';
import { HeapClock } from '../../simulations/fleet/heap-clock.js';

describe('HeapClock', () => {
  test('fires timers in due order, each at its own due time, FIFO on ties', () => {
    const clock = new HeapClock(1000);
    const fired: Array<[string, number]> = [];
    const at = (name: string) => () => fired.push([name, clock.now()]);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b1'), 20);
    clock.setTimeout(at('b2'), 20);
    clock.setTimeout(at('zero'), 0);
    clock.runUntil(1025);
    expect(fired).toEqual([['zero', 1000], ['a', 1010], ['b1', 1020], ['b2', 1020]]);
    expect(clock.now()).toBe(1025);
    clock.advance(100);
    expect(fired.at(-1)).toEqual(['c', 1030]);
    expect(clock.now()).toBe(1125);
  });

  test('cleared timers never fire; timers set while firing are honoured', () => {
    const clock = new HeapClock(0);
    const fired: number[] = [];
    const id = clock.setTimeout(() => fired.push(-1), 5);
    clock.setTimeout(() => { fired.push(clock.now()); clock.setTimeout(() => fired.push(clock.now()), 3); }, 10);
    clock.clearTimeout(id);
    expect(clock.pending).toBe(1);
    clock.runUntil(100);
    expect(fired).toEqual([10, 13]);
    expect(clock.pending).toBe(0);
  });

  test('keeps order over many random timers (heap invariant) and stops on request', () => {
    const clock = new HeapClock(0);
    const times: number[] = [];
    let x = 7;
    for (let i = 0; i < 5000; i += 1) {
      x = (x * 48271) % 2147483647;
      const id = clock.setTimeout(() => times.push(clock.now()), x % 10_000);
      if (i % 3 === 0) clock.clearTimeout(id);
    }
    expect(clock.runUntil(20_000, () => times.length >= 1000)).toBe(true);
    clock.runUntil(20_000);
    expect(times.length).toBe(3333);
    expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
  });
});
