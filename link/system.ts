/**
 * The real clock, randomness and a quiet logger: the defaults `createLink` uses when the host
 * injects nothing. Only the composition root touches the wall clock and Math.random.
 */
import type { Clock, Logger, Random } from '../effects/ports.js';

/** Node runs a timer longer than this after 1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface LongTimer {
  handle: ReturnType<typeof setTimeout> | undefined;
}

function longTimeout(fn: () => void, ms: number): LongTimer {
  const due = Date.now() + ms;
  const timer: LongTimer = { handle: undefined };
  const arm = (left: number): void => {
    timer.handle = setTimeout(() => {
      const rest = due - Date.now();
      if (rest > 0) arm(rest);
      else fn();
    }, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  arm(ms);
  return timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => (ms > MAX_TIMER_MS ? longTimeout(fn, ms) : setTimeout(fn, ms)),
  clearTimeout: (id) => {
    if (typeof id === 'object' && id !== null && 'handle' in id) clearTimeout((id as LongTimer).handle);
    else clearTimeout(id as ReturnType<typeof setTimeout>);
  },
};

export const systemRandom: Random = { next: () => Math.random() };

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
