/**
 * Inbound dispatch by message type (the text after the last `/` of the topic) to the host's
 * subscribers. A handler that throws is logged and never ends the connection.
 */
import type { Logger } from './ports.js';

export interface InboundMessage {
  readonly messageType: string;
  readonly topic: string;
  readonly payload: Uint8Array;
}
export type MessageHandler = (message: InboundMessage) => void;

export class MessageDispatcher {
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  received = 0;
  unhandled = 0;

  constructor(private readonly logger: Logger) {}

  on(type: string, handler: MessageHandler): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  dispatch(message: InboundMessage): void {
    this.received += 1;
    const set = this.handlers.get(message.messageType);
    if (!set || set.size === 0) {
      this.unhandled += 1;
      this.logger.debug('inbound message without subscriber', { type: message.messageType, bytes: message.payload.byteLength });
      return;
    }
    for (const handler of [...set]) {
      try {
        handler(message);
      } catch (error) {
        this.logger.warn('message handler failed', { type: message.messageType, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
