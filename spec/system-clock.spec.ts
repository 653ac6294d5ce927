/** The real clock chains waits longer than Node's longest timer (2^31 - 1 ms) instead of firing at once. */
import { afterEach, expect, it, vi } from 'vitest';
import { systemClock } from '../link/system.js';

afterEach(() => {
  vi.useRealTimers();
});

const DAY = 86_400_000;

it('a 30-day wait fires after 30 days, not after 1 ms, and can be cleared', () => {
  vi.useFakeTimers({ now: 0 });
  const fired: number[] = [];
  systemClock.setTimeout(() => fired.push(Date.now()), 30 * DAY);
  const cleared = systemClock.setTimeout(() => fired.push(-1), 40 * DAY);
  vi.advanceTimersByTime(1_000);
  expect(fired).toEqual([]);
  vi.advanceTimersByTime(25 * DAY);
  expect(fired).toEqual([]);
  systemClock.clearTimeout(cleared);
  vi.advanceTimersByTime(5 * DAY);
  expect(fired).toEqual([30 * DAY]);
  vi.advanceTimersByTime(20 * DAY);
  expect(fired).toEqual([30 * DAY]);
});

it('ordinary waits are plain timers', () => {
  vi.useFakeTimers({ now: 0 });
  const fired: number[] = [];
  const id = systemClock.setTimeout(() => fired.push(Date.now()), 500);
  systemClock.setTimeout(() => fired.push(Date.now()), 1_000);
  systemClock.clearTimeout(id);
  vi.advanceTimersByTime(2_000);
  expect(fired).toEqual([1_000]);
});
