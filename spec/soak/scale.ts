/**
 * Soak and fault tests run at two scales: a short one inside `npm test` (what CI runs), and the full one
 * behind `npm run test:soak` (`ACLK_SOAK=full`). Each test picks its sizes with `soakScale`.
 */
export const FULL_SOAK = process.env.ACLK_SOAK === 'full';

/** `short` in `npm test`, `full` in `npm run test:soak`. */
export function soakScale<T>(short: T, full: T): T {
  return FULL_SOAK ? full : short;
}

/** Where the full soak run writes its report (kept with the benchmark results). */
export const SOAK_RESULTS_DIR = new URL('../../bench/results/', import.meta.url);
