/**
 * The live MQTT session, if any. The transport effect attaches a session when its CONNACK arrives
 * and detaches it when it closes; the outbox pump publishes through whatever is attached.
 */
import type { TransportSession } from './ports.js';

export type SessionListener = (session: TransportSession | null) => void;

export class SessionSlot {
  private session: TransportSession | null = null;
  private readonly listeners = new Set<SessionListener>();

  get current(): TransportSession | null {
    return this.session;
  }

  attach(session: TransportSession): void {
    this.session = session;
    for (const l of [...this.listeners]) l(session);
  }

  detach(session: TransportSession): void {
    if (this.session !== session) return;
    this.session = null;
    for (const l of [...this.listeners]) l(null);
  }

  onChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
