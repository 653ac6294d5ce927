/** Shared pieces of the MQTT transport tests: credentials, a recording logger, event collection. */
import type { LogFields, Logger, MqttCredentials, SessionEvent, TransportSession } from '../../../effects/ports.js';
import { systemClock } from '../../../devcloud/index.js';

export const CLAIM_ID = '0f0e0d0c-0b0a-4908-8706-050403020100';
export const clock = systemClock;

export function topicsFor(claimId: string): Record<string, string> {
  return {
    'inbox-cmd': `/agent/${claimId}/inbound/v2/#`,
    'agent-connection': `/agent/${claimId}/outbound/v1/connection`,
    chart: `/agent/${claimId}/outbound/v1/chart`,
  };
}

export function credentials(username: string, password: string, claimId = CLAIM_ID): MqttCredentials {
  return { clientId: `client-${username}-${Math.random().toString(36).slice(2, 8)}`, username, password, topics: topicsFor(claimId) };
}

export interface LogLine { readonly level: string; readonly message: string; readonly fields?: LogFields }
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => { lines.push({ level, message, ...(fields ? { fields } : {}) }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Records every event of a session; `next(type)` waits for the next event of that type. */
export class EventLog {
  readonly events: SessionEvent[] = [];
  completed = false;
  private waiters: { type: string; resolve: (e: SessionEvent) => void; from: number }[] = [];

  constructor(session: TransportSession) {
    session.events.subscribe({
      next: (event) => {
        this.events.push(event);
        this.waiters = this.waiters.filter((w) => {
          if (w.type !== event.type) return true;
          w.resolve(event);
          return false;
        });
      },
      complete: () => { this.completed = true; },
    });
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  next<T extends SessionEvent['type']>(type: T, timeoutMs = 15_000): Promise<Extract<SessionEvent, { type: T }>> {
    const seen = this.events.find((e) => e.type === type && !this.consumed.has(e));
    if (seen) {
      this.consumed.add(seen);
      return Promise.resolve(seen as Extract<SessionEvent, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; got ${this.types().join(', ')}`)), timeoutMs);
      this.waiters.push({
        type,
        from: this.events.length,
        resolve: (e) => {
          clearTimeout(timer);
          this.consumed.add(e);
          resolve(e as Extract<SessionEvent, { type: T }>);
        },
      });
    });
  }

  private readonly consumed = new Set<SessionEvent>();
}
