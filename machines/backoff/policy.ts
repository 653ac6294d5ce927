/**
 * Backoff policies (PROTOCOL.md section 6). Pure: the random number is an argument.
 *
 * `attempt` counts consecutive failed attempts since the last reset, starting at 1 for the first
 * wait. The exponential term is `base^(attempt-1)` seconds, computed in milliseconds. Every policy's
 * result lies in `[minMs, maxMs]`.
 */
export const BACKOFF_POLICIES = ['full', 'equal', 'decorrelated', 'none', 'netdata'] as const;
export type BackoffPolicyName = (typeof BACKOFF_POLICIES)[number];

export interface BackoffParams {
  /** Exponent base, 1..10 (the cloud's `backoff.base`). */
  readonly base: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface PolicyStep {
  /** 1 for the first wait after a reset. */
  readonly attempt: number;
  /** The previous wait (used by `decorrelated`); 0 after a reset. */
  readonly previousMs: number;
  /** Uniform in [0, 1). */
  readonly random: number;
}

const SECOND = 1000;

export function isBackoffPolicy(value: unknown): value is BackoffPolicyName {
  return typeof value === 'string' && (BACKOFF_POLICIES as readonly string[]).includes(value);
}

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** `base^(attempt-1)` seconds in ms; Infinity-safe (callers clamp). */
export function exponentialMs(base: number, attempt: number): number {
  return SECOND * Math.pow(base, Math.max(0, attempt - 1));
}

/** The wait before the next attempt, in whole milliseconds within [minMs, maxMs]. */
export function policyDelay(policy: BackoffPolicyName, params: BackoffParams, step: PolicyStep): number {
  const { minMs, maxMs, base } = params;
  const r = step.random;
  switch (policy) {
    case 'none':
      return minMs;
    case 'full': {
      // Full jitter: uniform between the floor and the capped exponential.
      const hi = clamp(exponentialMs(base, step.attempt), minMs, maxMs);
      return Math.floor(minMs + r * (hi - minMs));
    }
    case 'equal': {
      // Equal jitter: half of the capped exponential, plus up to the other half at random.
      const hi = clamp(exponentialMs(base, step.attempt), minMs, maxMs);
      return Math.floor(clamp(hi / 2 + r * (hi / 2), minMs, maxMs));
    }
    case 'decorrelated': {
      // Decorrelated jitter: uniform between a 1 s floor and three times the previous wait.
      const lo = clamp(SECOND, minMs, maxMs);
      const previous = step.previousMs > 0 ? step.previousMs : lo;
      const hi = Math.max(lo, previous * 3);
      return Math.floor(clamp(lo + r * (hi - lo), minMs, maxMs));
    }
    case 'netdata': {
      // The original formula (attempt 0 waits 0; then base^(n-1) s plus up to max(1 s, half of it)),
      // with its unit bug fixed: the clamp bounds are milliseconds too.
      const n = step.attempt - 1;
      if (n <= 0) return minMs;
      const exp = exponentialMs(base, n);
      const jitter = Math.floor(r * Math.max(SECOND, exp / 2));
      return Math.floor(clamp(exp + jitter, minMs, maxMs));
    }
  }
}
