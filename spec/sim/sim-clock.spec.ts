/**
 * The simulated clock that every simulation runs on: timers fire at their own due time, in creation
 * order among equals, and `clearTimeout` cancels exactly the timer it names (one ordered array, no
 * index beside it).
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../simulations/world/sim-clock.js';

describe('SimClock', () => {
  it('fires timers by due time, then in creation order, each at its own time', async () => {
    const clock = new SimClock(1_000);
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now() - 1_000}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b'), 10);
    clock.setTimeout(at('d'), 20);
    expect(clock.pending).toBe(4);
    expect(clock.nextDue()).toBe(1_010);
    await clock.advance(100);
    expect(fired).toEqual(['a@10', 'b@10', 'd@20', 'c@30']);
    expect(clock.pending).toBe(0);
  });

  it('cancels exactly the timer named, wherever it sits, and ignores unknown or fired ids', async () => {
    const clock = new SimClock(0);
    const fired: number[] = [];
    const ids = [50, 10, 30, 10, 40].map((ms, i) => clock.setTimeout(() => fired.push(i), ms));
    clock.clearTimeout(ids[3]); // the second of two equal due times
    clock.clearTimeout(ids[0]); // the last in firing order
    clock.clearTimeout(12_345);
    expect(clock.pending).toBe(3);
    await clock.advance(35);
    expect(fired).toEqual([1, 2]);
    clock.clearTimeout(ids[1]); // fired already: nothing else is cancelled
    expect(clock.pending).toBe(1);
    await clock.advance(10);
    expect(fired).toEqual([1, 2, 4]);
  });

  it('fires a timer set while firing when it is due, and lets promise chains settle between due times', async () => {
    const clock = new SimClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => seen.push(`chain@${clock.now()}`));
      clock.setTimeout(() => seen.push(`nested@${clock.now()}`), 0);
      clock.setTimeout(() => seen.push(`later@${clock.now()}`), 5);
    }, 10);
    await clock.advance(20);
    expect(seen).toEqual(['nested@10', 'chain@10', 'later@15']);
  });
});
