/**
 * A flapping network in a simulated world: the broker drops every connection every few minutes (1 to
 * 10 by default) while the host publishes a message a minute, for `hours` of simulated time; then the
 * link is stopped. Used by the benchmarks and the replay tests.
 */
import { seededRandom } from './seeded-random.js';
import type { SimWorld } from './world.js';

const MINUTE = 60_000;
const ignore = (): undefined => undefined;

export interface FlappingOptions {
  readonly hours: number;
  /** Seeds the drop times. */
  readonly seed: number;
  /** Minutes between drops, [min, max]. */
  readonly flapMinutes?: readonly [number, number];
  /** When the first drop comes, in ms (default: drawn like the others). */
  readonly firstDropMs?: number;
}

/** Runs the flapping session on an unstarted world's link; returns the number of drops. */
export async function runFlapping(w: SimWorld, options: FlappingOptions): Promise<{ flaps: number }> {
  const [lo, hi] = options.flapMinutes ?? [1, 10];
  const rnd = seededRandom(options.seed ^ 0x5eed);
  const nextDrop = () => (lo + rnd.next() * (hi - lo)) * MINUTE;
  await w.link.start();
  const end = w.clock.now() + options.hours * 60 * MINUTE;
  let flaps = 0;
  const drop = () => {
    w.broker.dropAll();
    flaps += 1;
    if (w.clock.now() < end) w.clock.setTimeout(drop, nextDrop());
  };
  const payload = new Uint8Array(64); // nothing changes a payload once given: one for every publish
  const publish = () => {
    void w.link.publish('chart', payload).catch(ignore);
    if (w.clock.now() < end) w.clock.setTimeout(publish, MINUTE);
  };
  w.clock.setTimeout(drop, options.firstDropMs ?? nextDrop());
  w.clock.setTimeout(publish, MINUTE);
  await w.clock.advanceTo(end);
  await w.clock.runUntil(w.link.stop());
  return { flaps };
}
