/**
 * (c) Every network attempt's time, recomputed from the world's history whatever path led to it
 * (README "Backoff", PROTOCOL.md section 6): ban > block-until > policy.
 *
 * - Banned (an answer with `errorNonRetryable`, or a permaban DisconnectReq the link acted on): no attempt
 *   until `banRetry` after a failure that came after the ban began; lifted only by a CONNACK or a new claim.
 * - Blocked (`errorRetryDelaySeconds`, or a DisconnectReq's reconnect-after): no attempt before then
 *   (unless banned, whose wait takes precedence); lifted only by a CONNACK or a new claim.
 * - Otherwise the first attempt after a failure comes within the policy's bounds for `n` consecutive
 *   failures since the last reset (3 PUBACKs or 30 s online). Cut short only by new connection settings
 *   while in backoff (neither banned nor blocked), a new claim, or a passage through disabled/unclaimed.
 * - A wait no host event touched ends exactly (ban, block) or within the bounds (policy).
 */
import { union, policyBounds, policyParams, type Bounds, type PolicyName, type PolicyParams } from './expected.js';

export interface AppliedBackoff {
  readonly policy: PolicyName;
  readonly base?: number;
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
  readonly banRetrySeconds?: number;
}

interface PendingWait {
  readonly at: number;
  readonly kind: 'ban' | 'block' | 'policy';
  readonly lo: number;
  readonly hi: number;
  /** A host event since the failure (the wait may legitimately end later than planned). */
  touched: boolean;
  /** A host event that legitimately allows an earlier attempt (policy waits only). */
  waived: boolean;
  /** When the link's state said the next attempt would be (epoch ms), if it said. */
  readonly announced: number | null;
}

export class WaitOracle {
  banned = false;
  private banSince = 0;
  blockUntil: number | null = null;
  /** Consecutive failures since the last reset; `nAlt`: the count had an ambiguous reset happened. */
  private n = 0;
  private nAlt: number | null = null;
  private previousPolicyMs: number | null = 0;
  private lastFailureAt = -Infinity;
  /** The ban retry in force at the last failure (a later change applies from the next failure on). */
  private banRetryAtFailure = 60_000;
  private pending: PendingWait | null = null;
  private onlineSince: number | null = null;
  private onlinePubacks = 0;

  constructor(private readonly fail: (message: string) => void) {}

  /** The cloud's error body, as the world delivered it. */
  cloudError(at: number, body: { errorNonRetryable?: boolean; errorRetryDelaySeconds?: number } | undefined): void {
    if (body?.errorNonRetryable) this.ban(at);
    const delay = body?.errorRetryDelaySeconds;
    if (delay !== undefined && delay > 0) this.blockUntil = at + delay * 1000;
  }

  /** A DisconnectReq the link acted on (it reached a connected link). */
  disconnectReq(at: number, reconnectAfterSeconds: number, permaban: boolean): void {
    if (permaban) this.ban(at);
    if (reconnectAfterSeconds > 0) this.blockUntil = at + reconnectAfterSeconds * 1000;
  }

  private ban(at: number): void {
    if (!this.banned) this.banSince = at;
    this.banned = true;
  }

  /** CONNACK reached the link. */
  connack(): void {
    this.banned = false;
    this.blockUntil = null;
  }

  /** A new claim id reached the link: ban, block and the failure count start afresh. */
  claimChanged(): void {
    this.banned = false;
    this.blockUntil = null;
    this.reset();
    if (this.pending) this.pending.waived = true;
  }

  /** Any host event. `waives`: new connection settings that may cut a policy wait short. */
  hostEvent(now: number, waives: boolean): void {
    if (!this.pending) return;
    this.pending.touched = true;
    if (waives && !this.banned && !(this.blockUntil !== null && this.blockUntil > now)) this.pending.waived = true;
  }

  private reset(): void {
    this.n = 0;
    this.nAlt = null;
    this.previousPolicyMs = 0;
    this.onlineSince = null;
  }

  /** A PUBACK the world gave while the link was `connected.online`. */
  puback(): void {
    if (this.onlineSince === null) return;
    this.onlinePubacks += 1;
    if (this.onlinePubacks >= 3) this.reset();
  }

  /** The link's path changed (world clock time `now`); `announced`: the state's next attempt time. */
  state(now: number, previous: string, path: string, announced: number | null = null): void {
    if (path === 'connected.online' && previous !== 'connected.online') {
      this.onlineSince = now;
      this.onlinePubacks = 0;
    }
    if (previous === 'connected.online' && path !== 'connected.online' && this.onlineSince !== null) {
      const online = now - this.onlineSince;
      if (online > 30_000) this.reset();
      else if (online === 30_000) this.nAlt = 0; // the 30 s timer and the loss in the same ms
      this.onlineSince = null;
    }
    const top = path.split('.')[0];
    if ((top === 'disabled' || top === 'unclaimed') && this.pending) {
      this.pending.touched = true;
      this.pending.waived = true;
    }
    if (top === 'backoff' && previous.split('.')[0] !== 'backoff') this.failure(now, announced);
  }

  private applied: () => { backoff: AppliedBackoff; env: { base?: number; minSeconds?: number; maxSeconds?: number } | null } = () => ({ backoff: { policy: 'full' }, env: null });

  /** Where the oracle reads the configuration the link applied and the env answer of this attempt. */
  setSources(get: () => { backoff: AppliedBackoff; env: { base?: number; minSeconds?: number; maxSeconds?: number } | null }): void {
    this.applied = get;
  }

  private failure(at: number, announced: number | null): void {
    this.n += 1;
    if (this.nAlt !== null) this.nAlt += 1;
    this.lastFailureAt = at;
    const { backoff, env } = this.applied();
    const banRetryMs = (backoff.banRetrySeconds ?? 60) * 1000;
    this.banRetryAtFailure = banRetryMs;
    let pending: PendingWait;
    if (this.banned) pending = { at, kind: 'ban', lo: at + banRetryMs, hi: at + banRetryMs, touched: false, waived: false, announced };
    else if (this.blockUntil !== null && this.blockUntil > at) pending = { at, kind: 'block', lo: this.blockUntil, hi: this.blockUntil, touched: false, waived: false, announced };
    else {
      const b = this.bounds(backoff.policy, policyParams(backoff, env));
      pending = { at, kind: 'policy', lo: at + b.lo, hi: at + b.hi, touched: false, waived: false, announced };
    }
    this.pending = pending;
  }

  private bounds(policy: PolicyName, p: PolicyParams): Bounds {
    const b = policyBounds(policy, p, this.n, this.previousPolicyMs);
    return this.nAlt === null ? b : union(b, policyBounds(policy, p, this.nAlt, this.nAlt === 1 ? 0 : null));
  }

  /** An attempt begins (the world saw an env request) at `t`, coming from state `from`. */
  attempt(t: number, from: string): void {
    const came = `(c) attempt from ${from}`;
    if (this.banned) {
      const banRetryMs = this.banRetryAtFailure;
      if (this.lastFailureAt < this.banSince) this.fail(`${came} while banned, with no failure since the ban began (+${t - this.banSince} ms)`);
      else if (t < this.lastFailureAt + banRetryMs) this.fail(`${came} while banned, ${t - this.lastFailureAt} ms after the last failure (ban retry ${banRetryMs} ms)`);
    } else if (this.blockUntil !== null && t < this.blockUntil) {
      this.fail(`${came} ${this.blockUntil - t} ms before the cloud's block ends`);
    }
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (p.kind === 'policy') {
      if (!p.waived && t < p.lo) this.fail(`${came} ${t - p.at} ms after the failure, policy allows it from ${p.lo - p.at} ms (n=${this.n})`);
      this.previousPolicyMs = p.touched || this.nAlt !== null ? null : t - p.at;
    }
    if (p.touched) return;
    if (p.announced !== null && t !== p.announced) this.fail(`(s) the state announced the next attempt ${p.announced - p.at} ms after the failure, it came after ${t - p.at} ms`);
    if (p.kind !== 'policy' && t !== p.lo) this.fail(`(c) ${p.kind} wait ended after ${t - p.at} ms, expected exactly ${p.lo - p.at} ms`);
    if (p.kind === 'policy' && t > p.hi) this.fail(`${came} ${t - p.at} ms after the failure, policy bound ${p.hi - p.at} ms (n=${this.n})`);
  }

  /** A wait nobody touched must not outlast its bound. */
  check(now: number, top: string): void {
    const p = this.pending;
    if (p && !p.touched && top === 'backoff' && now > p.hi) {
      this.fail(`(c) still waiting ${now - p.at} ms after the failure, bound ${p.hi - p.at} ms (${p.kind})`);
      p.touched = true;
    }
  }

  /** How long the cloud still forbids attempts, in ms (for the liveness bound). */
  blockRemaining(now: number): number {
    return this.blockUntil === null ? 0 : Math.max(0, this.blockUntil - now);
  }
}
