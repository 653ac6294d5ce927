/**
 * The cloud of a reconnect storm: it accepts at most `capacityPerSecond` new MQTT connections per
 * calendar second (a fixed one-second window); an attempt over the limit is refused fast. It counts
 * attempts and admissions per simulated second since `t0`.
 */
export interface FleetCloudStats {
  readonly attempts: number;
  readonly admitted: number;
  readonly refused: number;
  /** Attempts (admission requests) per second since t0, index = second. */
  readonly attemptsPerSecond: readonly number[];
  /** Admissions per second since t0. */
  readonly admittedPerSecond: readonly number[];
}

export class FleetCloud {
  private t0: number;
  private windowStart = -1;
  private windowCount = 0;
  private attemptsBySecond: number[] = [];
  private admittedBySecond: number[] = [];
  private attempts = 0;
  private admitted = 0;
  /** When false, every attempt is admitted (used to bring the fleet up before the storm). */
  limited = true;

  constructor(readonly capacityPerSecond: number, t0: number) {
    this.t0 = t0;
  }

  /** Start counting from `t0` (the moment of the drop); the window is aligned to it. */
  reset(t0: number): void {
    this.t0 = t0;
    this.windowStart = -1;
    this.windowCount = 0;
    this.attemptsBySecond = [];
    this.admittedBySecond = [];
    this.attempts = 0;
    this.admitted = 0;
  }

  /** One connection attempt at `now`: true when admitted. */
  admit(now: number): boolean {
    const second = Math.max(0, Math.floor((now - this.t0) / 1000));
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.windowCount = 0;
    }
    this.attempts += 1;
    bump(this.attemptsBySecond, second);
    if (this.limited && this.windowCount >= this.capacityPerSecond) return false;
    this.windowCount += 1;
    this.admitted += 1;
    bump(this.admittedBySecond, second);
    return true;
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
    };
  }
}

function bump(series: number[], index: number): void {
  series[index] = (series[index] ?? 0) + 1;
}

function fill(series: readonly number[]): number[] {
  return Array.from(series, (v) => v ?? 0);
}
