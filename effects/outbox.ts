/**
 * The bounded outbox (PROTOCOL.md section 4, **rule**): every message accepted by `publish()` is
 * acknowledged (PUBACK), still queued, or its promise is rejected with a coded error — never
 * silently lost. Pure bookkeeping; the pump moves messages through the live session.
 */
import { LinkError } from './errors.js';

export type OutboxPolicy = 'drop-oldest' | 'reject-new' | 'fail-on-disconnect';
export const OUTBOX_POLICIES: readonly OutboxPolicy[] = ['drop-oldest', 'reject-new', 'fail-on-disconnect'];

export interface OutboxOptions {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly policy: OutboxPolicy;
}

export const DEFAULT_OUTBOX: OutboxOptions = { maxMessages: 1000, maxBytes: 4 * 1024 * 1024, policy: 'reject-new' };

export interface OutboxEntry {
  readonly id: number;
  readonly topicName: string;
  readonly payload: Uint8Array;
  readonly acceptedAt: number;
  state: 'queued' | 'inflight';
  /** Which session it was last sent on (to requeue it when that session dies). */
  sentOn: unknown;
  sentAt: number;
  resolve: () => void;
  reject: (error: LinkError) => void;
}

export class Outbox {
  private readonly entries = new Map<number, OutboxEntry>();
  /**
   * Queued entries in order; `head` is the next one (shifting a large array is O(n)). A slot before
   * `head` is emptied as its entry leaves: a message sent long ago (its promise, its session) is not
   * kept alive by the queue until the next compaction.
   */
  private queue: Array<OutboxEntry | undefined> = [];
  private head = 0;
  private nextId = 1;
  private bytesHeld = 0;
  inflight = 0;
  accepted = 0;
  rejected = 0;

  constructor(readonly options: OutboxOptions) {}

  get size(): number { return this.entries.size; }
  get bytes(): number { return this.bytesHeld; }
  get queued(): number { return this.queue.length - this.head; }

  offer(topicName: string, payload: Uint8Array, now: number): Promise<void> {
    if (payload.byteLength > this.options.maxBytes) {
      this.rejected += 1;
      return Promise.reject(new LinkError('OUTBOX_MESSAGE_TOO_BIG', `message of ${payload.byteLength} bytes exceeds the outbox (${this.options.maxBytes} bytes)`, { at: now }));
    }
    while (this.isFullFor(payload.byteLength)) {
      const oldest = this.options.policy === 'drop-oldest' ? this.entries.values().next().value : undefined;
      if (!oldest) {
        this.rejected += 1;
        return Promise.reject(new LinkError('OUTBOX_FULL', `outbox full (${this.entries.size} messages, ${this.bytesHeld} bytes)`, { at: now }));
      }
      this.settle(oldest, new LinkError('OUTBOX_DROPPED', 'dropped to make room for a newer message (policy drop-oldest)', { at: now }));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: OutboxEntry = { id: this.nextId++, topicName, payload, acceptedAt: now, state: 'queued', sentOn: null, sentAt: 0, resolve, reject };
      this.entries.set(entry.id, entry);
      this.queue.push(entry);
      this.bytesHeld += payload.byteLength;
      this.accepted += 1;
    });
  }

  private isFullFor(bytes: number): boolean {
    return this.entries.size >= this.options.maxMessages || this.bytesHeld + bytes > this.options.maxBytes;
  }

  /** The next queued message, marked in flight on `session`. */
  takeNext(session: unknown, now: number): OutboxEntry | undefined {
    const entry = this.queue[this.head];
    if (!entry) return undefined;
    this.queue[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    entry.state = 'inflight';
    entry.sentOn = session;
    entry.sentAt = now;
    this.inflight += 1;
    return entry;
  }

  isPending(entry: OutboxEntry): boolean {
    return this.entries.get(entry.id) === entry;
  }

  /** PUBACK received: resolve the host's promise. Returns the latency in ms, or null if no longer pending. */
  ack(entry: OutboxEntry, now: number): number | null {
    if (!this.isPending(entry)) return null;
    this.settle(entry, null);
    return now - entry.sentAt;
  }

  fail(entry: OutboxEntry, error: LinkError): void {
    if (this.isPending(entry)) this.settle(entry, error);
  }

  /** Put an in-flight message back, in its original order, to be sent again. */
  requeue(entry: OutboxEntry): void {
    if (!this.isPending(entry) || entry.state !== 'inflight') return;
    entry.state = 'queued';
    entry.sentOn = null;
    this.inflight -= 1;
    let i = this.queue.length;
    while (i > this.head && (this.queue[i - 1] as OutboxEntry).id > entry.id) i -= 1;
    this.queue.splice(i, 0, entry);
  }

  /** Requeue everything sent on a session that is gone. */
  requeueSentOn(session: unknown): void {
    for (const entry of this.entries.values()) if (entry.state === 'inflight' && entry.sentOn === session) this.requeue(entry);
  }

  failAll(error: LinkError): void {
    for (const entry of [...this.entries.values()]) this.settle(entry, error);
  }

  private settle(entry: OutboxEntry, error: LinkError | null): void {
    this.entries.delete(entry.id);
    this.bytesHeld -= entry.payload.byteLength;
    if (entry.state === 'inflight') this.inflight -= 1;
    else {
      const i = this.queue.indexOf(entry, this.head);
      if (i >= 0) this.queue.splice(i, 1);
    }
    if (error) entry.reject(error);
    else entry.resolve();
  }
}
