/** `agent.v1.CancelPendingRequest`: the cloud cancels a running `cmd` request by its msg-id. */
import { CancelPendingRequestSchema } from './gen/agent/v1/cmd_pb.js';
import { decodeMessage, encodeMessage, fromTimestamp, toTimestamp } from './wire.js';

export interface CancelPendingRequestInit {
  readonly requestId: string;
  readonly timestampMs?: number;
  readonly traceId?: string;
}

export type DecodedCancelPendingRequest = CancelPendingRequestInit;

const TYPE = 'agent.v1.CancelPendingRequest';

export function encodeCancelPendingRequest(m: CancelPendingRequestInit): Uint8Array {
  return encodeMessage(CancelPendingRequestSchema, {
    requestId: m.requestId,
    ...(m.timestampMs !== undefined ? { timestamp: toTimestamp(TYPE, 'timestampMs', m.timestampMs) } : {}),
    traceId: m.traceId ?? '',
  });
}

/** Throws LinkError `MSG_BAD_PROTOBUF` on bytes that are not this message. */
export function decodeCancelPendingRequest(bytes: Uint8Array): DecodedCancelPendingRequest {
  const m = decodeMessage(CancelPendingRequestSchema, bytes);
  const timestampMs = fromTimestamp(m.timestamp);
  return {
    requestId: m.requestId,
    ...(timestampMs !== undefined ? { timestampMs } : {}),
    ...(m.traceId !== '' ? { traceId: m.traceId } : {}),
  };
}
