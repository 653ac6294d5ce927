/**
 * The cloud's `cmd` requests to a node (PROTOCOL.md section 4, inbound messages): published on
 * `/agent/<id>/inbound/v2/cmd` with a fresh msg-id and callback-topic
 * `/agent/<id>/outbound/v1/cmd-reply`; the reply with the same msg-id resolves the request.
 */
import { randomUUID } from 'node:crypto';
import { formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import type { Clock, Logger } from '../../effects/ports.js';
import { jsonSafe } from './json-safe.js';
import { cmdReplyTopic } from './topics.js';
import type { DevCloudBroker } from './types.js';

export interface CmdRequestSpec {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

export interface CmdReplyView {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The reply body as UTF-8 text. */
  readonly body: string;
  readonly header: unknown;
}

export const DEFAULT_CMD_TIMEOUT_MS = 10_000;

export class CmdRequests {
  private readonly pending = new Map<string, { claimId: string; resolve: (reply: CmdReplyView | null) => void; timer: unknown }>();

  constructor(private readonly broker: DevCloudBroker, private readonly clock: Clock, private readonly logger: Logger) {
    broker.onAgentMessage((claimId, topic, payload) => {
      if (topic === cmdReplyTopic(claimId)) this.onReply(claimId, payload);
    });
  }

  /** Sends the request; resolves with the reply, or null after the timeout. */
  async send(claimId: string, spec: CmdRequestSpec): Promise<CmdReplyView | null> {
    const msgId = randomUUID();
    const timeoutMs = spec.timeoutMs ?? DEFAULT_CMD_TIMEOUT_MS;
    const payload = formatCmdRequest({
      msgId,
      callbackTopic: cmdReplyTopic(claimId),
      timeoutMs,
      method: spec.method ?? 'GET',
      path: spec.path,
      ...(spec.headers !== undefined ? { headers: spec.headers } : {}),
      ...(spec.body !== undefined ? { body: spec.body } : {}),
    });
    const reply = new Promise<CmdReplyView | null>((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(msgId, null), timeoutMs);
      this.pending.set(msgId, { claimId, resolve, timer });
    });
    try {
      await this.broker.publishToNode(claimId, 'cmd', payload);
    } catch (error) {
      this.settle(msgId, null);
      throw error;
    }
    return reply;
  }

  /** Resolves every pending request with null (the cloud is closing). */
  cancelAll(): void {
    for (const msgId of [...this.pending.keys()]) this.settle(msgId, null);
  }

  private onReply(claimId: string, payload: Buffer): void {
    let parsed: ReturnType<typeof parseCmdReply>;
    try {
      parsed = parseCmdReply(payload);
    } catch (error) {
      this.logger.info('dev cloud: malformed cmd reply dropped', { claimId, error: String(error) });
      return;
    }
    const msgId = parsed.header['msg-id'];
    const entry = typeof msgId === 'string' ? this.pending.get(msgId) : undefined;
    if (entry === undefined || entry.claimId !== claimId) {
      this.logger.info('dev cloud: cmd reply for no pending request', { claimId });
      return;
    }
    this.settle(msgId as string, {
      status: parsed.status,
      headers: parsed.headers,
      body: Buffer.from(parsed.body).toString('utf8'),
      header: jsonSafe(parsed.header),
    });
  }

  private settle(msgId: string, reply: CmdReplyView | null): void {
    const entry = this.pending.get(msgId);
    if (entry === undefined) return;
    this.pending.delete(msgId);
    this.clock.clearTimeout(entry.timer);
    entry.resolve(reply);
  }
}
