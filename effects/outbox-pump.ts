/**
 * Moves outbox messages through the live session: up to `window` in flight, QoS 1, PUBACK resolves
 * the host's promise. When a session dies, its unacknowledged messages are queued again and sent on
 * the next session (or failed, with policy `fail-on-disconnect`).
 */
import { LinkError, toLinkError } from './errors.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { Clock, TransportSession } from './ports.js';
import type { SessionSlot } from './sessions.js';

/** Errors of the message itself: sending it again cannot help. */
const PERMANENT = new Set(['TOPIC_UNKNOWN', 'MESSAGE_TOO_BIG']);

export interface PublishStats {
  acked: number;
  sent: number;
  lastLatencyMs: number | null;
  maxLatencyMs: number;
  totalLatencyMs: number;
}

export class OutboxPump {
  readonly stats: PublishStats = { acked: 0, sent: 0, lastLatencyMs: null, maxLatencyMs: 0, totalLatencyMs: 0 };
  private session: TransportSession | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly outbox: Outbox,
    sessions: SessionSlot,
    private readonly clock: Clock,
    private readonly window: number,
  ) {
    this.unsubscribe = sessions.onChange((session) => this.onSession(session));
    this.session = sessions.current;
  }

  private onSession(session: TransportSession | null): void {
    const previous = this.session;
    this.session = session;
    if (previous && previous !== session) {
      if (this.outbox.options.policy === 'fail-on-disconnect') {
        this.outbox.failAll(new LinkError('DISCONNECTED', 'the connection was lost (policy fail-on-disconnect)', { at: this.clock.now() }));
      } else {
        this.outbox.requeueSentOn(previous);
      }
    }
    this.pump();
  }

  /** Send as much as the window allows. Called on publish, on PUBACK and when a session attaches. */
  pump(): void {
    const session = this.session;
    while (session && this.outbox.inflight < this.window) {
      const entry = this.outbox.takeNext(session, this.clock.now());
      if (!entry) return;
      this.send(session, entry);
    }
  }

  private send(session: TransportSession, entry: OutboxEntry): void {
    this.stats.sent += 1;
    session.publish(entry.topicName, entry.payload).then(
      () => {
        const latency = this.outbox.ack(entry, this.clock.now());
        if (latency !== null) {
          this.stats.acked += 1;
          this.stats.lastLatencyMs = latency;
          this.stats.totalLatencyMs += latency;
          this.stats.maxLatencyMs = Math.max(this.stats.maxLatencyMs, latency);
        }
        this.pump();
      },
      (error: unknown) => {
        const failure = toLinkError(error, 'PUBLISH_FAILED', this.clock.now());
        if (PERMANENT.has(failure.code)) {
          this.outbox.fail(entry, failure);
          this.pump();
          return;
        }
        // Requeued or sent again since (its session was replaced): nothing to do, or it would go out twice.
        if (entry.sentOn !== session) return;
        // Kept for the next session; not retried in a loop on a session that is failing.
        if (this.outbox.options.policy !== 'fail-on-disconnect' || session === this.session) this.outbox.requeue(entry);
      },
    );
  }

  close(): void {
    this.unsubscribe();
  }
}
