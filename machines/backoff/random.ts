/**
 * A pure, seeded pseudo-random generator (mulberry32). Its state is a 32-bit integer kept in the
 * machine's context, so every random choice the statechart makes is a function of the seed the
 * composition root injected: replays and simulations are deterministic.
 */
export interface RandomDraw {
  /** Uniform in [0, 1). */
  readonly value: number;
  /** The generator state to use for the next draw. */
  readonly state: number;
}

export function nextRandom(state: number): RandomDraw {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return { value, state: next };
}

/** Normalise any number into a valid generator state. */
export function seedState(seed: number): number {
  return Number.isFinite(seed) ? Math.trunc(seed) | 0 : 0;
}
