/**
 * What the oracle expects, written down from the README and PROTOCOL.md (sections 4 and 6), not
 * imported from the code it judges: the timings, the backoff policies' bounds, the outbox policies.
 */

/** README "The statechart": the named delays' defaults. */
export const BUDGETS = {
  /** TLS + WebSocket + MQTT CONNECT: a session without CONNACK is given up by then. */
  connectMs: 120_000,
  /** A guard over each HTTPS step: no cloud request is open longer. */
  httpMs: 45_000,
  /** The graceful disconnect. */
  gracefulMs: 5_000,
  /** Connected this long resets the backoff. */
  stableAfterMs: 30_000,
  /** This many PUBACKs in one connection reset the backoff. */
  resetAfterPubacks: 3,
  /** Between attempts while banned, unless `[cloud] ban retry seconds` says otherwise. */
  banRetryMs: 60_000,
} as const;

/** A network resource no longer wanted (state left, link stopped) must be gone within this. */
export const RELEASE_GRACE_MS = 1_000;
/** In a healed world, once the link is online, every accepted message is acknowledged within this. */
export const ACK_BOUND_MS = 5_000;

export const POLICY_NAMES = ['full', 'equal', 'decorrelated', 'none', 'netdata'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
export const OUTBOX_POLICY_NAMES = ['reject-new', 'drop-oldest', 'fail-on-disconnect'] as const;
export type OutboxPolicyName = (typeof OUTBOX_POLICY_NAMES)[number];

export interface PolicyParams {
  readonly base: number;
  readonly minMs: number;
  readonly maxMs: number;
}

interface BackoffSources {
  readonly base?: number;
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
}

/** README "Backoff": configuration over the env answer over 2, 0 and 1024 s; max never below min. */
export function policyParams(config: BackoffSources, env: BackoffSources | null | undefined): PolicyParams {
  const base = config.base ?? env?.base ?? 2;
  const minS = config.minSeconds ?? env?.minSeconds ?? 0;
  const maxS = Math.max(minS, config.maxSeconds ?? env?.maxSeconds ?? 1024);
  return { base, minMs: Math.round(minS * 1000), maxMs: Math.round(maxS * 1000) };
}

export interface Bounds {
  readonly lo: number;
  readonly hi: number;
}

const clampTo = (p: PolicyParams, v: number) => Math.min(p.maxMs, Math.max(p.minMs, v));

/**
 * The wait before attempt `n + 1` after `n` consecutive failures since the last reset (n = 1 for the
 * first wait), per the README's table. `previousMs`: the previous policy wait (0 after a reset, null
 * if unknown because a host event cut it short).
 */
export function policyBounds(policy: PolicyName, p: PolicyParams, n: number, previousMs: number | null): Bounds {
  const exp = (k: number) => 1000 * Math.pow(p.base, Math.max(0, k - 1));
  switch (policy) {
    case 'none':
      return { lo: p.minMs, hi: p.minMs };
    case 'full':
      return { lo: p.minMs, hi: clampTo(p, exp(n)) };
    case 'equal': {
      const hi = clampTo(p, exp(n));
      return { lo: Math.floor(clampTo(p, hi / 2)), hi };
    }
    case 'decorrelated': {
      const lo = clampTo(p, 1000);
      if (previousMs === null) return { lo, hi: p.maxMs };
      const previous = previousMs > 0 ? previousMs : lo;
      return { lo, hi: clampTo(p, Math.max(lo, 3 * previous)) };
    }
    case 'netdata': {
      if (n <= 1) return { lo: p.minMs, hi: p.minMs };
      const e = exp(n - 1);
      return { lo: Math.floor(clampTo(p, e)), hi: Math.ceil(clampTo(p, e + Math.max(1000, e / 2))) };
    }
  }
}

export function union(a: Bounds, b: Bounds): Bounds {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}
