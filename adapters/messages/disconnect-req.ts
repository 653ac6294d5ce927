/** `agent.v1.DisconnectReq`: the cloud asks the agent to disconnect now (PROTOCOL.md sections 4 and 6). */
import { DisconnectReqSchema } from './gen/agent/v1/disconnect_pb.js';
import { decodeMessage, encodeMessage, fromTimestamp, invalid, toBigInt, toTimestamp } from './wire.js';

export interface DisconnectReqInit {
  readonly reconnectAfterSeconds: number;
  readonly permaban: boolean;
  readonly createdAtMs?: number;
  readonly errorCode?: number;
  readonly errorDescription?: string;
}

export interface DecodedDisconnectReq {
  /** Clamped to Number.MAX_SAFE_INTEGER (a uint64 on the wire). */
  readonly reconnectAfterSeconds: number;
  readonly permaban: boolean;
  readonly createdAtMs?: number;
  readonly errorCode?: number;
  readonly errorDescription?: string;
}

const TYPE = 'agent.v1.DisconnectReq';

export function encodeDisconnectReq(m: DisconnectReqInit): Uint8Array {
  if (m.reconnectAfterSeconds < 0) throw invalid(TYPE, 'reconnectAfterSeconds must not be negative');
  const errorCode = m.errorCode ?? 0;
  if (!Number.isInteger(errorCode) || errorCode < 0 || errorCode > 0xffffffff) throw invalid(TYPE, 'errorCode must be a uint32');
  return encodeMessage(DisconnectReqSchema, {
    reconnectAfterSeconds: toBigInt(TYPE, 'reconnectAfterSeconds', m.reconnectAfterSeconds),
    permaban: m.permaban,
    ...(m.createdAtMs !== undefined ? { createdAt: toTimestamp(TYPE, 'createdAtMs', m.createdAtMs) } : {}),
    errorCode,
    errorDescription: m.errorDescription ?? '',
  });
}

/** Throws LinkError `MSG_BAD_PROTOBUF` on bytes that are not this message. */
export function decodeDisconnectReq(bytes: Uint8Array): DecodedDisconnectReq {
  const m = decodeMessage(DisconnectReqSchema, bytes);
  const seconds = m.reconnectAfterSeconds > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(m.reconnectAfterSeconds);
  const createdAtMs = fromTimestamp(m.createdAt);
  return {
    reconnectAfterSeconds: seconds,
    permaban: m.permaban,
    ...(createdAtMs !== undefined ? { createdAtMs } : {}),
    ...(m.errorCode !== 0 ? { errorCode: m.errorCode } : {}),
    ...(m.errorDescription !== '' ? { errorDescription: m.errorDescription } : {}),
  };
}
