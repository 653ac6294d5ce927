/**
 * (e) Every publish, judged against the world's delivery records and the outbox policy's semantics
 * (README: `publish()`; PROTOCOL.md section 4):
 *  - acknowledged only if the broker delivered that very message;
 *  - rejected only with a code that the moment allows: LINK_DISABLED / LINK_UNCLAIMED (the link is or
 *    went there), OUTBOX_FULL (reject-new and fail-on-disconnect, at the bound), OUTBOX_DROPPED
 *    (drop-oldest: the oldest pending message, when a new one arrives at the bound), DISCONNECTED
 *    (fail-on-disconnect: it was pending when a live session ended), LINK_STOPPED (after stop());
 *  - fail-on-disconnect: a message pending when a live session ends is never delivered later;
 *  - after the world heals and the link is online, nothing stays pending (ACK_BOUND_MS).
 * The model is the oracle's own: which messages are pending, in acceptance order.
 */
import type { OutboxPolicyName } from './expected.js';

export interface PublishRecord {
  readonly id: number;
  status: 'pending' | 'acked' | 'rejected';
  code?: string;
  /** What the model expects: accepted, or rejected at once with this code. */
  readonly expected: 'accepted' | string;
  /** The model dropped it for a newer message (drop-oldest). */
  dropped: boolean;
  /** Pending when a live session ended under fail-on-disconnect: must never be delivered. */
  mustFail: boolean;
  /** Pending when a live session ended (DISCONNECTED allowed, even if the broker got it just before). */
  mayFail: boolean;
  /** The link was disabled / unclaimed while it was pending. */
  sawOff: Set<string>;
}

export interface OutboxExpectations {
  readonly policy: OutboxPolicyName;
  readonly maxMessages: number;
}

export class OutboxModel {
  readonly publishes: PublishRecord[] = [];
  /** Accepted and not settled, oldest first (the oracle's own account). */
  private pending: PublishRecord[] = [];
  private stopped = false;

  constructor(
    private readonly expect: OutboxExpectations,
    private readonly delivered: (id: number) => boolean,
    private readonly fail: (message: string) => void,
  ) {}

  /** A publish at top-level state `top`. */
  track(promise: Promise<void>, top: string): void {
    const id = this.publishes.length;
    let expected = 'accepted';
    if (this.stopped) expected = 'LINK_STOPPED';
    else if (top === 'disabled') expected = 'LINK_DISABLED';
    else if (top === 'unclaimed') expected = 'LINK_UNCLAIMED';
    else if (this.pending.length >= this.expect.maxMessages) {
      if (this.expect.policy === 'drop-oldest') {
        const oldest = this.pending.shift();
        if (oldest) oldest.dropped = true;
      } else expected = 'OUTBOX_FULL';
    }
    const record: PublishRecord = { id, status: 'pending', expected, dropped: false, mustFail: false, mayFail: false, sawOff: new Set() };
    this.publishes.push(record);
    if (expected === 'accepted') this.pending.push(record);
    promise.then(
      () => this.settled(record, null),
      (error: { code?: string }) => this.settled(record, error.code ?? 'UNKNOWN'),
    );
  }

  private settled(r: PublishRecord, code: string | null): void {
    r.status = code === null ? 'acked' : 'rejected';
    if (code !== null) r.code = code;
    this.pending = this.pending.filter((p) => p !== r);
    const what = `(e) publish #${r.id}`;
    if (code === null) {
      if (r.expected !== 'accepted') this.fail(`${what} acknowledged, expected ${r.expected}`);
      if (!this.delivered(r.id)) this.fail(`${what} acknowledged but never delivered by the broker`);
      if (r.dropped) this.fail(`${what} acknowledged, but drop-oldest should have dropped it`);
      if (r.mustFail) this.fail(`${what} delivered after its session was lost (fail-on-disconnect)`);
      return;
    }
    if (r.expected !== 'accepted') {
      if (code !== r.expected) this.fail(`${what} rejected with ${code}, expected ${r.expected}`);
      return;
    }
    const allowed = r.dropped ? code === 'OUTBOX_DROPPED'
      : code === 'LINK_STOPPED' ? this.stopped
        : code === 'DISCONNECTED' ? r.mayFail
          : code === 'LINK_DISABLED' || code === 'LINK_UNCLAIMED' ? r.sawOff.has(code) : false;
    if (!allowed) this.fail(`${what} rejected with ${code}${r.dropped ? ' (expected OUTBOX_DROPPED)' : ''}${code === 'LINK_STOPPED' ? ' before stop()' : ''}`);
  }

  /** The link's top-level state changed. */
  state(top: string): void {
    if (top !== 'disabled' && top !== 'unclaimed') return;
    const code = top === 'disabled' ? 'LINK_DISABLED' : 'LINK_UNCLAIMED';
    for (const r of this.pending) r.sawOff.add(code);
  }

  /** A session that was up for the link ended. */
  sessionLost(): void {
    if (this.expect.policy !== 'fail-on-disconnect') return;
    for (const r of this.pending) {
      r.mayFail = true;
      if (!this.delivered(r.id)) r.mustFail = true;
    }
  }

  stopping(): void {
    this.stopped = true;
  }

  /** Messages still pending in the model. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** After the world healed and the link stayed online for ACK_BOUND_MS. */
  expectDrained(after: string): void {
    if (this.pending.length > 0) this.fail(`(e) ${this.pending.length} accepted messages still unacknowledged ${after}`);
  }

  /** After every step: a message that must fail is not left pending once its settlement is observable. */
  check(): void {
    const stuck = this.pending.filter((r) => r.mustFail).length;
    if (stuck > 0) this.fail(`(e) ${stuck} messages pending after their session was lost (fail-on-disconnect)`);
  }
}
