/**
 * A simulated MQTT broker behind the Transport port: accepts, refuses with a code, answers CONNACK
 * slowly (or never), drops sessions, sends DisconnectReq, and acknowledges publishes (or not).
 * Like the real transport it reports everything asynchronously and rejects unacknowledged
 * publishes when a session dies.
 */
import { LinkError } from '../../effects/errors.js';
import type { SessionEvent, Transport, TransportParams, TransportSession } from '../../effects/ports.js';
import type { SimClock } from './sim-clock.js';
import { SimEvents } from './sim-events.js';

/** Every PUBACK is the same event (nobody changes an event): not an object per acknowledged publish. */
const PUBACK: SessionEvent = Object.freeze({ type: 'puback' });

export type ConnectOutcome =
  | { readonly kind: 'accept' }
  | { readonly kind: 'refuse'; readonly code: string }
  | { readonly kind: 'never' };

export interface Delivered {
  readonly topicName: string;
  readonly payload: Uint8Array;
  readonly session: number;
}

export class SimBroker implements Transport {
  connackLatencyMs = 30;
  pubackLatencyMs = 5;
  /** Whether publishes are acknowledged. */
  pubacks = true;
  fallback: ConnectOutcome = { kind: 'accept' };
  readonly open = new Set<SimSession>();
  readonly delivered: Delivered[] = [];
  connects = 0;
  /** Most sessions ever live at once, not counting those the client was already closing. */
  maxLive = 0;
  /** Called synchronously at every connect: the simulation checks that the link may talk now. */
  onConnect: (params: TransportParams) => void = () => undefined;
  /** Called synchronously when a session accepts a publish (before its PUBACK). */
  onPublish: (topicName: string, payload: Uint8Array, session: number) => void = () => undefined;
  /** Called when a publish is delivered (acknowledged). */
  onDelivered: (d: Delivered) => void = () => undefined;
  /** Called after a session event (DisconnectReq, ping timeout, message) reached the link. */
  onEmitted: (session: SimSession, event: SessionEvent) => void = () => undefined;
  /** Called when a session ends (closed by either side), after the link was told. */
  onEnded: (session: SimSession) => void = () => undefined;
  private readonly scripts: ConnectOutcome[] = [];

  /** `log`: keep `delivered` (default); the benchmarks turn it off (nobody reads it there). */
  constructor(readonly clock: SimClock, readonly log = true) {}

  /** Open sessions that the client has not asked to close. */
  get live(): number {
    let n = 0;
    for (const s of this.open) if (!s.closing) n += 1;
    return n;
  }

  clearScripts(): void {
    this.scripts.length = 0;
  }

  script(...outcomes: ConnectOutcome[]): void {
    this.scripts.push(...outcomes);
  }

  connect(params: TransportParams): TransportSession {
    this.connects += 1;
    this.onConnect(params);
    const session = new SimSession(this, this.connects, this.scripts.shift() ?? this.fallback);
    this.open.add(session);
    this.maxLive = Math.max(this.maxLive, this.live);
    return session;
  }

  /** Cut every connection (network loss, broker crash). */
  dropAll(code = 'SOCKET_CLOSED'): void {
    for (const s of [...this.open]) s.end(code, 'connection lost');
  }

  disconnectReq(reconnectAfterSeconds: number, permaban: boolean): void {
    for (const s of this.open) s.emitLater({ type: 'disconnect-req', reconnectAfterSeconds, permaban });
  }

  /** Acknowledge again, including what was withheld on the open sessions. */
  resumePubacks(): void {
    this.pubacks = true;
    for (const s of this.open) s.releasePubacks();
  }

  pingTimeout(): void {
    for (const s of this.open) s.emitLater({ type: 'ping-timeout' });
  }

  deliver(messageType: string, payload: Uint8Array): void {
    for (const s of this.open) s.emitLater({ type: 'message', messageType, topic: `/agent/sim/inbound/v1/${messageType}`, payload });
  }

  /** An inbound message to one session, if it is still open; `onEmitted` when the link gets it. */
  deliverTo(session: number, messageType: string, payload: Uint8Array, onEmitted?: () => void): void {
    for (const s of this.open) if (s.id === session) s.emitLater({ type: 'message', messageType, topic: `/agent/sim/inbound/v1/${messageType}`, payload }, onEmitted);
  }
}

export class SimSession implements TransportSession {
  readonly events = new SimEvents<SessionEvent>();
  private state: 'connecting' | 'up' | 'closed' = 'connecting';
  private readonly timers = new Set<unknown>();
  private readonly unacked = new Map<number, (error: LinkError | null) => void>();
  private readonly withheld: Array<() => void> = [];
  private seq = 0;
  private readonly closers: Array<() => void> = [];
  /** When the link opened it. */
  readonly openedAt: number;

  constructor(private readonly broker: SimBroker, readonly id: number, outcome: ConnectOutcome) {
    this.openedAt = broker.clock.now();
    if (outcome.kind === 'accept') this.later(broker.connackLatencyMs, () => {
      this.state = 'up';
      this.upAt = broker.clock.now();
      this.upObserved = this.events.observed;
      this.events.next({ type: 'up', mqttVersion: 5 });
    });
    else if (outcome.kind === 'refuse') this.later(broker.connackLatencyMs, () => this.end(outcome.code, `refused: ${outcome.code}`));
  }

  /** The client asked to close it. */
  closing = false;
  /** When CONNACK was given (null: not yet). */
  upAt: number | null = null;
  /** Whether the link was listening when CONNACK came (it then holds the session as its live one). */
  upObserved = false;
  /** When the client first asked to close it (null: never). */
  closeRequestedAt: number | null = null;

  get isUp(): boolean {
    return this.state === 'up';
  }

  private later(ms: number, fn: () => void): void {
    const t = this.broker.clock.setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  emitLater(event: SessionEvent, onEmitted?: () => void): void {
    this.later(0, () => {
      if (this.state === 'closed') return;
      onEmitted?.();
      this.events.next(event);
      this.broker.onEmitted(this, event);
    });
  }

  publish(topicName: string, payload: Uint8Array): Promise<void> {
    return this.send(topicName, payload);
  }

  /** Like publish, to a raw topic string; recorded in `delivered` with that topic. */
  publishRaw(topic: string, payload: Uint8Array): Promise<void> {
    return this.send(topic, payload);
  }

  private send(topicName: string, payload: Uint8Array): Promise<void> {
    if (this.state !== 'up') return Promise.reject(new LinkError('SOCKET_CLOSED', 'the session is not connected'));
    this.broker.onPublish(topicName, payload, this.id);
    return new Promise((resolve, reject) => {
      const n = ++this.seq;
      this.unacked.set(n, (error) => (error ? reject(error) : resolve()));
      if (!this.broker.pubacks) {
        this.withheld.push(() => this.acknowledge(n, topicName, payload));
        return;
      }
      this.acknowledge(n, topicName, payload);
    });
  }

  /** PUBACKs withheld while `pubacks` was off, sent now (a stalled broker that recovers). */
  releasePubacks(): void {
    for (const ack of this.withheld.splice(0)) ack();
  }

  private acknowledge(n: number, topicName: string, payload: Uint8Array): void {
    this.later(this.broker.pubackLatencyMs, () => {
      if (this.state !== 'up') return;
      const delivered = { topicName, payload, session: this.id };
      if (this.broker.log) this.broker.delivered.push(delivered);
      this.broker.onDelivered(delivered);
      this.unacked.get(n)?.(null);
      this.unacked.delete(n);
      this.events.next(PUBACK);
    });
  }

  close(options: { readonly graceful: boolean }): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.closing = true;
    this.closeRequestedAt ??= this.broker.clock.now();
    return new Promise((resolve) => {
      this.closers.push(resolve);
      this.later(options.graceful && this.state === 'up' ? this.broker.pubackLatencyMs : 0, () => {
        this.end('CLOSED_BY_CLIENT', options.graceful ? 'graceful disconnect' : 'closed');
      });
    });
  }

  /** The connection is gone: reject what was not acknowledged, report, complete. */
  end(code: string, message: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const t of this.timers) this.broker.clock.clearTimeout(t);
    this.timers.clear();
    this.broker.open.delete(this);
    for (const settle of this.unacked.values()) settle(new LinkError('SOCKET_CLOSED', 'connection lost before PUBACK'));
    this.unacked.clear();
    this.events.next({ type: 'closed', code, message });
    this.events.complete();
    this.broker.onEnded(this);
    for (const resolve of this.closers.splice(0)) resolve();
  }
}
