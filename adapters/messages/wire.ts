/**
 * Shared protobuf plumbing: decode with coded errors, encode with coded errors, and Timestamp /
 * integer conversions. Everything thrown from here is a LinkError.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { LinkError } from '../../effects/errors.js';

/** Decode bytes into a message of `schema`; any failure becomes `MSG_BAD_PROTOBUF`. */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  if (!(bytes instanceof Uint8Array)) throw new LinkError('MSG_BAD_PROTOBUF', `${schema.typeName}: payload is not bytes`);
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LinkError('MSG_BAD_PROTOBUF', `${schema.typeName}: malformed protobuf (${reason})`);
  }
}

/** Encode a message; invalid values (e.g. an out-of-range integer) become `MSG_INVALID`. */
export function encodeMessage<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Uint8Array {
  try {
    return toBinary(schema, create(schema, init));
  } catch (error) {
    if (error instanceof LinkError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LinkError('MSG_INVALID', `${schema.typeName}: cannot encode (${reason})`);
  }
}

export function invalid(typeName: string, what: string): LinkError {
  return new LinkError('MSG_INVALID', `${typeName}: ${what}`);
}

/** A Timestamp from epoch milliseconds (finite numbers only). */
export function toTimestamp(typeName: string, field: string, ms: number): Timestamp {
  if (!Number.isFinite(ms)) throw invalid(typeName, `${field} must be a finite number of milliseconds`);
  return timestampFromMs(Math.trunc(ms));
}

/** Epoch milliseconds of a Timestamp, or undefined when the field is absent. */
export function fromTimestamp(ts: Timestamp | undefined): number | undefined {
  return ts === undefined ? undefined : timestampMs(ts);
}

/** An int64/uint64 value as a bigint; throws MSG_INVALID for non-integers. */
export function toBigInt(typeName: string, field: string, value: bigint | number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw invalid(typeName, `${field} must be a safe integer (got ${value})`);
  return BigInt(value);
}

/** A 64-bit value as a number when it is a safe integer, else as a bigint. */
export function fromBigInt(value: bigint): bigint | number {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
