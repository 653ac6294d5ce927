/**
 * An independent oracle over a simulated world: it watches the world (what the cloud answered,
 * what the broker delivered, when the link talked to the network) and the link's public state,
 * and records every violation of the invariants of the link (issue 2, section 6):
 *  (a) no network call unless the link is connecting;
 *  (b) at most one live transport;
 *  (c) every wait within the policy's bounds, ban and block-until exact;
 *  (e) every publish acknowledged, still queued, or rejected with an explicit code;
 *  (g) fail closed: once a reload found the configuration invalid or missing, no new network call
 *      and no state but `disabled` (or the graceful `connected.disconnecting` on the way there) until
 *      a reload reads a valid configuration again.
 * (d) liveness and (f) clean stop are checked by the commands that need them.
 */
import type { LinkState } from '../../link/state.js';
import type { SimWorld } from '../world/world.js';

const EXPLICIT_REJECTIONS = new Set(['LINK_DISABLED', 'LINK_UNCLAIMED', 'OUTBOX_FULL', 'LINK_STOPPED']);

interface BackoffEntry {
  readonly at: number;
  readonly waitMs: number;
}

export class Invariants {
  readonly violations: string[] = [];
  private banned = false;
  private blockUntil: number | null = null;
  private backoff: BackoffEntry | null = null;
  private hostEventSince = false;
  private top = 'disabled';
  private configBroken: string | null = null;
  readonly publishes: Array<{ id: number; status: 'pending' | 'acked' | 'rejected'; code?: string }> = [];

  constructor(private readonly w: SimWorld) {
    w.cloud.onCall = (call) => this.networkCall(`cloud ${call.endpoint}`);
    w.broker.onConnect = () => {
      this.networkCall('broker connect');
      if (w.broker.live > 0) this.fail(`(b) a transport was opened while ${w.broker.live} other(s) live`);
    };
    w.cloud.onAnswer = ({ at, answer }) => {
      if (answer.kind !== 'http-error') return;
      if (answer.body?.errorNonRetryable) this.banned = true;
      const delay = answer.body?.errorRetryDelaySeconds;
      if (delay !== undefined && delay > 0) this.blockUntil = at + delay * 1000;
    };
    w.link.subscribe((s) => this.onState(s));
  }

  private fail(message: string): void {
    this.violations.push(`${new Date(this.w.clock.now()).toISOString()} ${message}`);
  }

  private networkCall(what: string): void {
    const state = this.w.link.getState();
    if (state.top !== 'connecting') this.fail(`(a) ${what} while ${state.state}`);
    if (this.configBroken !== null) this.fail(`(g) ${what} while the configuration is ${this.configBroken}`);
  }

  /** The link is about to re-read its configuration: a valid one ends (g) at once. */
  reloading(): void {
    if (this.w.config.invalid === null) this.configBroken = null;
  }

  /** The link re-read its configuration: an invalid one starts (g), which holds until a valid one is read. */
  reloaded(): void {
    this.configBroken = this.w.config.invalid?.code ?? null;
  }

  /** A host event (config, claim, enable...) may legitimately cut a wait short. */
  hostEvent(claimChanged = false): void {
    this.hostEventSince = true;
    if (claimChanged) {
      this.banned = false;
      this.blockUntil = null;
    }
  }

  /** The cloud sent a DisconnectReq to a connected link, now. */
  cloudDisconnect(reconnectAfterSeconds: number, permaban: boolean): void {
    if (permaban) this.banned = true;
    if (reconnectAfterSeconds > 0) this.blockUntil = this.w.clock.now() + reconnectAfterSeconds * 1000;
  }

  private onState(s: LinkState): void {
    const now = this.w.clock.now();
    const previous = this.top;
    this.top = s.top;
    if (s.top === 'connected' && previous !== 'connected') {
      this.banned = false;
      this.blockUntil = null;
    }
    if (s.top === 'backoff' && previous !== 'backoff') this.enterBackoff(s, now);
    if (s.top !== 'backoff' && previous === 'backoff') this.leaveBackoff(s, now);
  }

  private enterBackoff(s: LinkState, now: number): void {
    const waitMs = s.lastBackoffMs ?? -1;
    this.backoff = { at: now, waitMs };
    this.hostEventSince = false;
    const cfg = this.w.config.config.backoff;
    const env = this.w.cloud.envBackoff;
    const minMs = (cfg.minSeconds ?? env?.minSeconds ?? 0) * 1000;
    const maxMs = Math.max(minMs, (cfg.maxSeconds ?? env?.maxSeconds ?? 1024) * 1000);
    const banRetryMs = (cfg.banRetrySeconds ?? 60) * 1000;
    if (this.banned) {
      if (s.state !== 'backoff.banned' || waitMs !== banRetryMs) this.fail(`(c) banned: expected backoff.banned for ${banRetryMs} ms, got ${s.state} for ${waitMs} ms`);
    } else if (this.blockUntil !== null && this.blockUntil > now) {
      if (waitMs !== this.blockUntil - now) this.fail(`(c) blocked until +${this.blockUntil - now} ms, but waits ${waitMs} ms`);
    } else if (waitMs < minMs || waitMs > maxMs) {
      this.fail(`(c) policy ${cfg.policy} wait ${waitMs} ms outside [${minMs}, ${maxMs}]`);
    } else if (cfg.policy === 'none' && waitMs !== minMs) {
      this.fail(`(c) policy none waited ${waitMs} ms instead of ${minMs}`);
    }
  }

  private leaveBackoff(s: LinkState, now: number): void {
    const entry = this.backoff;
    this.backoff = null;
    if (!entry || this.hostEventSince || s.top !== 'connecting') return;
    if (now !== entry.at + entry.waitMs) this.fail(`(c) next attempt after ${now - entry.at} ms, planned ${entry.waitMs} ms`);
  }

  /** How long the cloud still forbids attempts (block-until), in ms. */
  blockRemaining(): number {
    return this.blockUntil === null ? 0 : Math.max(0, this.blockUntil - this.w.clock.now());
  }

  /** Track a publish promise for (e). */
  trackPublish(promise: Promise<void>): void {
    const record: { id: number; status: 'pending' | 'acked' | 'rejected'; code?: string } = { id: this.publishes.length, status: 'pending' };
    this.publishes.push(record);
    promise.then(
      () => { record.status = 'acked'; },
      (error: { code?: string }) => {
        record.status = 'rejected';
        record.code = error.code ?? 'UNKNOWN';
        if (!EXPLICIT_REJECTIONS.has(record.code)) this.fail(`(e) publish rejected with ${record.code}`);
      },
    );
  }

  /** (b), (e) and (g), after every step. */
  check(): void {
    if (this.w.broker.live > 1) this.fail(`(b) ${this.w.broker.live} live transports`);
    const state = this.w.link.getState().state;
    if (this.configBroken !== null && state !== 'disabled' && state !== 'connected.disconnecting') {
      this.fail(`(g) ${state} while the configuration is ${this.configBroken}`);
    }
    const pending = this.publishes.filter((p) => p.status === 'pending').length;
    const queued = this.w.link.getState().outboxSize;
    if (pending !== queued) this.fail(`(e) ${pending} publishes pending but ${queued} in the outbox`);
    const acked = this.publishes.filter((p) => p.status === 'acked').length;
    const delivered = new Set(this.w.broker.delivered.map((d) => d.payload[0]! * 65536 + d.payload[1]! * 256 + d.payload[2]!));
    if (delivered.size < acked) this.fail(`(e) ${acked} publishes acknowledged but ${delivered.size} distinct messages delivered`);
  }
}
