/**
 * The cloud of a reconnect storm: it accepts at most `capacityPerSecond` new connections per
 * calendar second (a fixed one-second window aligned to the drop); an attempt over the limit is
 * refused fast, with no advice. It decides when the MQTT handshake ends (`gate = 'connack'`: a refusal
 * is `CONNACK_REFUSED`). It counts attempts, admissions and retries (attempts by an agent it has
 * already seen since the drop; agents are told apart by claim id) per simulated second since `t0`.
 * `SpreadingCloud` (spreading-cloud.ts) decides at the env request instead and says when to come back.
 */
export interface FleetCloudStats {
  readonly attempts: number;
  readonly admitted: number;
  readonly refused: number;
  /** Attempts (admission requests) per second since t0, index = second. */
  readonly attemptsPerSecond: readonly number[];
  /** Admissions per second since t0. */
  readonly admittedPerSecond: readonly number[];
  /** Attempts per second by agents that had already made an attempt since t0 (all but each agent's first). */
  readonly retriesPerSecond: readonly number[];
}

/** The cloud's answer to one attempt; a refusal may say how many seconds to wait (`errorRetryDelaySeconds`). */
export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryDelaySeconds?: number };

export const ADMITTED: Admission = { admitted: true };
const REFUSED: Admission = { admitted: false };

export class FleetCloud {
  /** Where the decision is made: after the MQTT handshake, or on the env request (HTTP). */
  readonly gate: 'connack' | 'env' = 'connack';
  protected t0: number;
  protected second = -1;
  /** Admissions in the current second. */
  protected windowCount = 0;
  private attemptsBySecond: number[] = [];
  private admittedBySecond: number[] = [];
  private retriesBySecond: number[] = [];
  private readonly seen = new Set<string>();
  private attempts = 0;
  private admitted = 0;
  private sessions = 0;
  /** When false, every attempt is admitted (used to bring the fleet up before the storm). */
  limited = true;

  constructor(readonly capacityPerSecond: number, t0: number) {
    this.t0 = t0;
  }

  /** Start counting from `t0` (the moment of the drop); the window is aligned to it. */
  reset(t0: number): void {
    this.t0 = t0;
    this.second = -1;
    this.windowCount = 0;
    this.attemptsBySecond = [];
    this.admittedBySecond = [];
    this.retriesBySecond = [];
    this.seen.clear();
    this.attempts = 0;
    this.admitted = 0;
    this.sessions = 0;
  }

  /**
   * One connection attempt by `agent`, decided at `now`; `startedAt` is when the agent began it
   * (its env request), which a cloud that handed out a block checks against the block's end.
   */
  request(now: number, agent: string, startedAt: number = now): Admission {
    const second = this.count(now, agent);
    return this.decide(now, second, agent, startedAt);
  }

  /** The plain cloud: admitted while the second has room, else refused without advice. */
  protected decide(_now: number, _second: number, _agent: string, _startedAt: number): Admission {
    if (this.limited && this.windowCount >= this.capacityPerSecond) return REFUSED;
    return this.take();
  }

  /** Count an admission in the current second. */
  protected take(): Admission {
    this.windowCount += 1;
    this.admitted += 1;
    bump(this.admittedBySecond, this.second);
    return ADMITTED;
  }

  /** Second since t0 of `now`. */
  protected secondOf(now: number): number {
    return Math.max(0, Math.floor((now - this.t0) / 1000));
  }

  private count(now: number, agent: string): number {
    const second = this.secondOf(now);
    if (second !== this.second) {
      this.second = second;
      this.windowCount = 0;
    }
    this.attempts += 1;
    bump(this.attemptsBySecond, second);
    if (this.seen.has(agent)) bump(this.retriesBySecond, second);
    else this.seen.add(agent);
    return second;
  }

  /** An admitted agent's MQTT session is up (the transport calls this on CONNACK). */
  sessionUp(): void {
    this.sessions += 1;
  }

  /** Sessions up since t0: the storm is over when it reaches N. */
  get sessionCount(): number {
    return this.sessions;
  }

  get attemptCount(): number {
    return this.attempts;
  }

  get admittedCount(): number {
    return this.admitted;
  }

  stats(): FleetCloudStats {
    return {
      attempts: this.attempts,
      admitted: this.admitted,
      refused: this.attempts - this.admitted,
      attemptsPerSecond: fill(this.attemptsBySecond),
      admittedPerSecond: fill(this.admittedBySecond),
      retriesPerSecond: fill(this.retriesBySecond, this.attemptsBySecond.length),
    };
  }
}

function bump(series: number[], index: number): void {
  series[index] = (series[index] ?? 0) + 1;
}

function fill(series: readonly number[], length = series.length): number[] {
  return Array.from({ length }, (_, i) => series[i] ?? 0);
}
