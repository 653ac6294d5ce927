/**
 * The server's CONNACK limits (MQTT 5) and the size of the PUBLISH packets we send. Absent properties
 * mean "no limit" (Maximum Packet Size: the protocol maximum; Receive Maximum: 65535).
 */

/** Largest remaining length MQTT can encode (4-byte variable integer). */
const MAX_REMAINING_LENGTH = 268_435_455;

export interface ServerLimits {
  /** Largest whole packet the server accepts, in bytes. */
  readonly maximumPacketSize: number;
  /** QoS 1/2 publishes the server accepts unacknowledged at once. */
  readonly receiveMaximum: number;
  /** Topic aliases the server accepts from us (we use none: see README). */
  readonly topicAliasMaximum: number;
}

export const NO_LIMITS: ServerLimits = { maximumPacketSize: MAX_REMAINING_LENGTH + 5, receiveMaximum: 65_535, topicAliasMaximum: 0 };

export function serverLimits(properties: { maximumPacketSize?: number; receiveMaximum?: number; topicAliasMaximum?: number } | undefined): ServerLimits {
  return {
    maximumPacketSize: positive(properties?.maximumPacketSize) ?? NO_LIMITS.maximumPacketSize,
    receiveMaximum: positive(properties?.receiveMaximum) ?? NO_LIMITS.receiveMaximum,
    topicAliasMaximum: properties?.topicAliasMaximum ?? 0,
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Bytes of a QoS 1 PUBLISH without properties (what `publish` sends). */
export function publishPacketSize(topic: string, payloadBytes: number, mqttVersion: 5 | 4): number {
  const remaining = 2 + Buffer.byteLength(topic, 'utf8') + 2 + (mqttVersion === 5 ? 1 : 0) + payloadBytes;
  if (remaining > MAX_REMAINING_LENGTH) return Number.POSITIVE_INFINITY;
  return 1 + varIntLength(remaining) + remaining;
}
