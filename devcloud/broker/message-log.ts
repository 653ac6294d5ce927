/**
 * The recent messages nodes published (for `GET /admin/messages`, tests and the demo): topic, its
 * name in the password answer, size, time, how it decoded (and the decoded UpdateAgentConnection as
 * `connection`, node-instance messages as `decoded`); and, for the whole run, how many messages of
 * each name arrived, decoded, were malformed or were not decoded (no schema here).
 */
import type { Clock } from '../../effects/ports.js';
import type { AgentMessage, DecodeStatus } from './agent-message.js';
import { jsonSafe } from './json-safe.js';
import { messageTypeOfTopic } from './topics.js';

export interface AgentMessageRecord {
  readonly claimId: string;
  readonly topic: string;
  /** The topic's name in the password answer (`cmd-reply` on the cmd callback topic, `unlisted:<type>` otherwise). */
  readonly name: string;
  /** The text after the topic's last `/`. */
  readonly messageType: string;
  readonly size: number;
  readonly atMs: number;
  readonly status: DecodeStatus;
  /** On `agent-connection`: the decoded UpdateAgentConnection. */
  readonly connection?: unknown;
  /** Other decoded messages (a cmd reply: its JSON header only). */
  readonly decoded?: unknown;
  readonly decodeError?: string;
}

export interface MessageCount {
  readonly name: string;
  readonly received: number;
  readonly decoded: number;
  readonly malformed: number;
  readonly notDecoded: number;
}

export class MessageLog {
  private records: AgentMessageRecord[] = [];
  private readonly counts = new Map<string, { received: number; decoded: number; malformed: number; notDecoded: number }>();
  constructor(private readonly clock: Clock, private readonly limit = 500, private readonly maxNames = 256) {}

  record(message: AgentMessage, size: number): AgentMessageRecord {
    const { claimId, topic, name, status } = message;
    let record: AgentMessageRecord = { claimId, topic, name, messageType: messageTypeOfTopic(topic), size, atMs: this.clock.now(), status };
    const decoded = message.decoded;
    if (decoded?.name === 'agent-connection') record = { ...record, connection: jsonSafe(decoded.value) };
    else if (decoded?.name === 'cmd-reply') record = { ...record, decoded: jsonSafe({ header: decoded.value.header, status: decoded.value.status }) };
    else if (decoded !== undefined) record = { ...record, decoded: jsonSafe(decoded.value) };
    if (message.error !== undefined) record = { ...record, decodeError: message.error };
    this.count(name, status);
    this.records.push(record);
    if (this.records.length > this.limit) this.records = this.records.slice(-this.limit);
    return record;
  }

  /** Oldest first; only one node's when `claimId` is given. */
  list(claimId?: string): AgentMessageRecord[] {
    return claimId === undefined ? [...this.records] : this.records.filter((r) => r.claimId === claimId);
  }

  /** Per topic name, sorted by name, since the cloud started (or `clear`). */
  tally(): MessageCount[] {
    return [...this.counts].map(([name, c]) => ({ name, ...c })).sort((a, b) => a.name.localeCompare(b.name));
  }

  clear(): void {
    this.records = [];
    this.counts.clear();
  }

  private count(name: string, status: DecodeStatus): void {
    // Unlisted names come from the network: bounded, the overflow shares one bucket.
    const key = this.counts.has(name) || this.counts.size < this.maxNames ? name : 'unlisted:*';
    const c = this.counts.get(key) ?? { received: 0, decoded: 0, malformed: 0, notDecoded: 0 };
    c.received += 1;
    if (status === 'decoded') c.decoded += 1;
    else if (status === 'malformed') c.malformed += 1;
    else c.notDecoded += 1;
    this.counts.set(key, c);
  }
}
