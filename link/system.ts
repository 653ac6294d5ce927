/**
 * The real clock, randomness and a quiet logger: the defaults `createLink` uses when the host
 * injects nothing. Only the composition root touches the wall clock and Math.random.
 */
import type { Clock, Logger, Random } from '../effects/ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export const systemRandom: Random = { next: () => Math.random() };

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
