/**
 * The recent messages nodes published (for `GET /admin/messages`, tests and the demo): topic, size,
 * time, and the decoded UpdateAgentConnection on the agent-connection topic.
 */
import { decodeUpdateAgentConnection } from '../../adapters/messages/index.js';
import type { Clock } from '../../effects/ports.js';
import { jsonSafe } from './json-safe.js';
import { messageTypeOfTopic } from './topics.js';

export interface AgentMessageRecord {
  readonly claimId: string;
  readonly topic: string;
  /** The text after the topic's last `/`. */
  readonly messageType: string;
  readonly size: number;
  readonly atMs: number;
  /** On `.../outbound/v1/connection`: the decoded UpdateAgentConnection, or why it did not decode. */
  readonly connection?: unknown;
  readonly decodeError?: string;
}

export class MessageLog {
  private records: AgentMessageRecord[] = [];
  constructor(private readonly clock: Clock, private readonly limit = 500) {}

  record(claimId: string, topic: string, payload: Uint8Array): AgentMessageRecord {
    const base = { claimId, topic, messageType: messageTypeOfTopic(topic), size: payload.length, atMs: this.clock.now() };
    let record: AgentMessageRecord = base;
    if (base.messageType === 'connection') {
      try {
        record = { ...base, connection: jsonSafe(decodeUpdateAgentConnection(payload)) };
      } catch (error) {
        record = { ...base, decodeError: error instanceof Error ? error.message : String(error) };
      }
    }
    this.records.push(record);
    if (this.records.length > this.limit) this.records = this.records.slice(-this.limit);
    return record;
  }

  /** Oldest first; only one node's when `claimId` is given. */
  list(claimId?: string): AgentMessageRecord[] {
    return claimId === undefined ? [...this.records] : this.records.filter((r) => r.claimId === claimId);
  }

  clear(): void {
    this.records = [];
  }
}
