/**
 * Choosing the wait before the next attempt: ban > block-until > policy (PROTOCOL.md section 6).
 */
import { policyDelay, type BackoffParams, type BackoffPolicyName } from './policy.js';
import { nextRandom } from './random.js';

export type WaitKind = 'ban' | 'block' | 'policy';

export interface WaitInput {
  readonly now: number;
  readonly banned: boolean;
  readonly banRetryMs: number;
  /** Epoch ms before which no attempt may be made, or null. */
  readonly blockUntil: number | null;
  readonly policy: BackoffPolicyName;
  readonly params: BackoffParams;
  /** The attempt number this wait precedes (1 after a reset). */
  readonly attempt: number;
  readonly previousMs: number;
  readonly rng: number;
}

export interface WaitPlan {
  readonly kind: WaitKind;
  readonly delayMs: number;
  /** Generator state after this plan (unchanged unless the policy drew a number). */
  readonly rng: number;
}

export function planWait(input: WaitInput): WaitPlan {
  if (input.banned) return { kind: 'ban', delayMs: input.banRetryMs, rng: input.rng };
  if (input.blockUntil !== null && input.blockUntil > input.now) {
    return { kind: 'block', delayMs: input.blockUntil - input.now, rng: input.rng };
  }
  const draw = nextRandom(input.rng);
  const delayMs = policyDelay(input.policy, input.params, {
    attempt: input.attempt,
    previousMs: input.previousMs,
    random: draw.value,
  });
  return { kind: 'policy', delayMs, rng: draw.state };
}

export interface BackoffOverrides {
  readonly base?: number;
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOverrides> = { base: 2, minSeconds: 0, maxSeconds: 1024 };

/**
 * Effective parameters: explicit configuration wins over the cloud's env answer, which wins over
 * the defaults (base 2, min 0 s, max 1024 s). max is never below min.
 */
export function resolveBackoffParams(config: BackoffOverrides, fromEnv: BackoffOverrides | undefined): BackoffParams {
  const base = config.base ?? fromEnv?.base ?? DEFAULT_BACKOFF.base;
  const minSeconds = config.minSeconds ?? fromEnv?.minSeconds ?? DEFAULT_BACKOFF.minSeconds;
  const maxSeconds = Math.max(minSeconds, config.maxSeconds ?? fromEnv?.maxSeconds ?? DEFAULT_BACKOFF.maxSeconds);
  // Rounded: the cloud's bounds arrive in milliseconds and are carried as (fractional) seconds.
  return { base, minMs: Math.round(minSeconds * 1000), maxMs: Math.round(maxSeconds * 1000) };
}
