/**
 * A hand-rolled protobuf writer for golden-byte tests, independent of @bufbuild/protobuf: a wrong field
 * number, wire type or nesting in our .proto files makes the generated encoder disagree with it.
 */
export type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const tag = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);

/** Wire type 0: int32, int64, uint32, bool, enum. */
export function vint(field: number, value: number | bigint | boolean): Bytes {
  return [...tag(field, 0), ...varint(typeof value === 'boolean' ? (value ? 1 : 0) : value)];
}

/** Wire type 2 with raw bytes. */
export function len(field: number, payload: Bytes): Bytes {
  return [...tag(field, 2), ...varint(payload.length), ...payload];
}

export function str(field: number, text: string): Bytes {
  return len(field, [...new TextEncoder().encode(text)]);
}

/** A nested message made of the given fields. */
export function msg(field: number, ...parts: Bytes[]): Bytes {
  return len(field, parts.flat());
}

/** google.protobuf.Timestamp from epoch milliseconds (non-negative), zero fields left out as proto3 does. */
export function timestamp(field: number, ms: number): Bytes {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms % 1000) * 1_000_000;
  return msg(field, ...(seconds !== 0 ? [vint(1, seconds)] : []), ...(nanos !== 0 ? [vint(2, nanos)] : []));
}

/** aclk_lib.v1.Capability {1 name, 2 version, 3 enabled}. */
export function capability(field: number, name: string, version: number, enabled: boolean): Bytes {
  return msg(field, str(1, name), ...(version !== 0 ? [vint(2, version)] : []), ...(enabled ? [vint(3, true)] : []));
}

export function bytesOf(...parts: Bytes[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
