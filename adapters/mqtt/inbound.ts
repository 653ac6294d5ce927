/**
 * An inbound PUBLISH as a session event: `DisconnectReq` is decoded here (malformed ones are logged
 * and dropped, the connection stays up); every other type, `cmd` and `CancelPendingRequest` included,
 * goes to the host as a `message` event with its raw bytes.
 *
 * `reconnectAfterSeconds` is capped at MAX_WAIT_SECONDS (~24.8 days): the longest wait a Node.js timer
 * holds (a longer one fires after 1 ms) and far inside Date's range (a uint64 of seconds crashed the
 * link's state with RangeError "Invalid time value").
 */
import type { Logger, SessionEvent } from '../../effects/ports.js';
import { decodeDisconnectReq, messageTypeOf } from '../messages/index.js';

/** The longest wait a Node.js timer can hold: 2^31-1 ms, in whole seconds. */
export const MAX_WAIT_SECONDS = Math.floor(2_147_483_647 / 1000);

export function inbound(topic: string, payload: Uint8Array, logger: Logger): SessionEvent | null {
  const messageType = messageTypeOf(topic);
  const bytes = new Uint8Array(payload);
  if (messageType !== 'DisconnectReq') return { type: 'message', messageType, topic, payload: bytes };
  try {
    const req = decodeDisconnectReq(bytes);
    logger.info('the cloud requested a disconnect', {
      reconnectAfterSeconds: req.reconnectAfterSeconds, permaban: req.permaban,
      ...(req.errorCode !== undefined ? { errorCode: req.errorCode } : {}),
      ...(req.errorDescription !== undefined ? { errorDescription: req.errorDescription } : {}),
    });
    return { type: 'disconnect-req', reconnectAfterSeconds: Math.min(req.reconnectAfterSeconds, MAX_WAIT_SECONDS), permaban: req.permaban };
  } catch (error) {
    logger.warn('malformed DisconnectReq dropped', { topic, bytes: bytes.byteLength, reason: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
