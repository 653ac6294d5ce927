import type { Random } from '../../effects/ports.js';
import { nextRandom, seedState } from '../../machines/backoff/random.js';

/** A deterministic Random port for simulations. */
export function seededRandom(seed: number): Random & { readonly draws: number } {
  let state = seedState(seed);
  let draws = 0;
  return {
    next() {
      const d = nextRandom(state);
      state = d.state;
      draws += 1;
      return d.value;
    },
    get draws() { return draws; },
  };
}
