/**
 * The best case the protocol allows: an overloaded cloud that refuses the env request with HTTP 429
 * and `errorRetryDelaySeconds`, handing out the seconds it has free. It knows its own capacity C and
 * the bookings it has made, not N: the refused agents form a queue, and the k-th of them (counting the
 * ones still booked) is told to come back in about ceil(k / (fill x C)) seconds. Each future second
 * takes at most `fill x C` bookings; an agent that returns in its booked second is admitted against its
 * booking; one that returns in another second (the env round trip moved it across a second boundary)
 * is admitted if that second has room, else booked again at the end of the queue.
 *
 * The delay is a whole number of seconds (the protocol's unit), counted from the refusal; the agent
 * returns when its block ends plus its env round trip, which the cloud estimates as `leadMs` to pick
 * the second the agent will land in. It also checks that no agent starts an attempt before its block
 * ends (`early`): a link that ignored the block would show up there.
 */
import { FleetCloud, type Admission } from './fleet-cloud.js';

export interface SpreadingOptions {
  /** Bookings per second as a share of C (default 1: book every admission the cloud has). */
  readonly fill?: number;
  /** The cloud's estimate of the time from a block's end to the agent's request deciding, ms (default 20). */
  readonly leadMs?: number;
  /** false: book as usual but refuse without `errorRetryDelaySeconds` (for tests: the plan never reaches the agent). */
  readonly tellDelay?: boolean;
}

export interface SpreadingStats {
  /** Refusals that booked a second (each told its `errorRetryDelaySeconds` unless `tellDelay` is false). */
  readonly bookings: number;
  /** Agents that came back after their block. */
  readonly returned: number;
  /** Of those, the ones that landed in another second than the one booked. */
  readonly offSlot: number;
  /** Attempts started before the end of the block the cloud had given the agent (refused again). */
  readonly early: number;
  /** Over the returns: smallest and largest (attempt start - block end), ms. */
  readonly minLateMs: number;
  readonly maxLateMs: number;
  /** Longest `errorRetryDelaySeconds` handed out. */
  readonly maxDelaySeconds: number;
}

interface Booking {
  readonly second: number;
  /** Epoch ms at which the agent's block ends. */
  readonly until: number;
}

export class SpreadingCloud extends FleetCloud {
  override readonly gate = 'env' as const;
  private readonly quota: number;
  private readonly leadMs: number;
  private readonly tellDelay: boolean;
  /** Bookings not yet used, by second since t0. */
  private readonly booked = new Map<number, number>();
  private readonly bookingOf = new Map<string, Booking>();
  /** The earliest second that may still have a free booking. */
  private cursor = 0;
  private s = { bookings: 0, returned: 0, offSlot: 0, early: 0, minLateMs: Infinity, maxLateMs: -Infinity, maxDelaySeconds: 0 };

  constructor(capacityPerSecond: number, t0: number, o: SpreadingOptions = {}) {
    super(capacityPerSecond, t0);
    this.quota = Math.max(1, Math.floor((o.fill ?? 1) * capacityPerSecond));
    this.leadMs = o.leadMs ?? 20;
    this.tellDelay = o.tellDelay ?? true;
  }

  override reset(t0: number): void {
    super.reset(t0);
    this.booked.clear();
    this.bookingOf.clear();
    this.cursor = 0;
    this.s = { bookings: 0, returned: 0, offSlot: 0, early: 0, minLateMs: Infinity, maxLateMs: -Infinity, maxDelaySeconds: 0 };
  }

  protected override decide(now: number, second: number, agent: string, startedAt: number): Admission {
    if (!this.limited) return this.take();
    const booking = this.bookingOf.get(agent);
    if (booking !== undefined) {
      if (startedAt < booking.until) {
        this.s.early += 1;
        return this.refuse(Math.max(1, Math.ceil((booking.until - now) / 1000)));
      }
      this.bookingOf.delete(agent);
      this.booked.set(booking.second, (this.booked.get(booking.second) ?? 1) - 1);
      this.s.returned += 1;
      this.s.minLateMs = Math.min(this.s.minLateMs, startedAt - booking.until);
      this.s.maxLateMs = Math.max(this.s.maxLateMs, startedAt - booking.until);
      if (booking.second === second) return this.take();
      this.s.offSlot += 1;
    }
    if (this.windowCount + (this.booked.get(second) ?? 0) < this.capacityPerSecond) return this.take();
    return this.book(now, second, agent);
  }

  /** Book the first second with room at or after the earliest one a whole-second delay can reach. */
  private book(now: number, second: number, agent: string): Admission {
    const carry = now - this.t0 - second * 1000 + this.leadMs >= 1000 ? 1 : 0;
    this.cursor = Math.max(this.cursor, second + 1 + carry);
    while ((this.booked.get(this.cursor) ?? 0) >= this.quota) this.cursor += 1;
    const delaySeconds = this.cursor - second - carry;
    this.booked.set(this.cursor, (this.booked.get(this.cursor) ?? 0) + 1);
    this.bookingOf.set(agent, { second: this.cursor, until: now + delaySeconds * 1000 });
    this.s.bookings += 1;
    this.s.maxDelaySeconds = Math.max(this.s.maxDelaySeconds, delaySeconds);
    return this.refuse(delaySeconds);
  }

  private refuse(delaySeconds: number): Admission {
    return this.tellDelay ? { admitted: false, retryDelaySeconds: delaySeconds } : { admitted: false };
  }

  spreadingStats(): SpreadingStats {
    const { minLateMs, maxLateMs, ...rest } = this.s;
    return { ...rest, minLateMs: Number.isFinite(minLateMs) ? minLateMs : 0, maxLateMs: Number.isFinite(maxLateMs) ? maxLateMs : 0 };
  }
}
