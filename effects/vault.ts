/**
 * Holds the single-use MQTT credentials between the password step and the transport, so that the
 * statechart only ever sees an opaque ticket: secrets never enter its context, events, recordings
 * or inspector traffic.
 */
import type { MqttCredentials } from './ports.js';

export class CredentialVault {
  private readonly entries = new Map<string, MqttCredentials>();
  private counter = 0;

  put(credentials: MqttCredentials): string {
    this.counter += 1;
    const ticket = `ticket-${this.counter}`;
    this.entries.clear(); // only the newest attempt's credentials are ever useful
    this.entries.set(ticket, credentials);
    return ticket;
  }

  /** Returns the credentials once; the password is single use. */
  take(ticket: string): MqttCredentials | undefined {
    const credentials = this.entries.get(ticket);
    this.entries.delete(ticket);
    return credentials;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
