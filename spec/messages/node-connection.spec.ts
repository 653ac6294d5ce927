import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeUpdateNodeInstanceConnection, encodeUpdateNodeInstanceConnection, MAX_CAPABILITIES } from '../../adapters/messages/index.js';
import { bytesOf, capability, hex, str, timestamp, vint } from './support/pb.js';
import { capabilityArb, epochMs, expectCoded, expectOnlyBadProtobuf, uuid } from './support/coded.js';

const CLAIM = '11111111-2222-4333-8444-555555555555';
const NODE = '01234567-89ab-4def-8123-456789abcdef';
const base = { claimId: CLAIM, nodeId: NODE, liveness: true, queryable: true, sessionId: 1, updatedAtMs: 0, hops: 0 };

describe('UpdateNodeInstanceConnection', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({
        claimId: uuid,
        nodeId: uuid,
        liveness: fc.boolean(),
        queryable: fc.boolean(),
        sessionId: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger()),
        updatedAtMs: epochMs,
        hops: fc.integer({ min: 0, max: 0x7fffffff }),
        capabilities: fc.array(capabilityArb, { maxLength: 10 }),
      }),
      (m) => {
        const d = decodeUpdateNodeInstanceConnection(encodeUpdateNodeInstanceConnection(m));
        expect({ ...d, sessionId: BigInt(d.sessionId) }).toEqual({ ...m, sessionId: BigInt(m.sessionId) });
      },
    ));
  });

  it('uses the schema field numbers (hand-encoded: 1 claim_id, 2 node_id, 3 liveness, 4 queryable, 5 session_id, 6 updated_at, 9 hops, 10 capabilities)', () => {
    const expected = bytesOf(
      str(1, CLAIM), str(2, NODE), vint(3, true), vint(4, true), vint(5, 1_700_000_000_123_456n),
      timestamp(6, 1_700_000_000_250), vint(9, 1), capability(10, 'proto', 1, true), capability(10, 'ml', 0, false),
    );
    const m = {
      ...base, sessionId: 1_700_000_000_123_456, updatedAtMs: 1_700_000_000_250, hops: 1,
      capabilities: [{ name: 'proto', version: 1, enabled: true }, { name: 'ml', version: 0, enabled: false }],
    };
    expect(hex(encodeUpdateNodeInstanceConnection(m))).toBe(hex(expected));
    expect(decodeUpdateNodeInstanceConnection(expected)).toEqual(m);
  });

  it('decodes the fields the cloud injects (7 mqtt_broker_addr, 8 vmq_instance_id) and a missing updated_at as 0', () => {
    const d = decodeUpdateNodeInstanceConnection(bytesOf(str(1, CLAIM), str(2, NODE), str(7, 'b'), vint(8, 3)));
    expect(d).toMatchObject({ mqttBrokerAddr: 'b', vmqInstanceId: 3, updatedAtMs: 0, liveness: false, hops: 0, sessionId: 0 });
  });

  it('encoding rejects what the wire cannot carry with MSG_INVALID', () => {
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, nodeId: 'node' }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, claimId: 'claim' }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, sessionId: 0.5 }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, updatedAtMs: Number.POSITIVE_INFINITY }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, hops: -1 }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, capabilities: [{ name: 'x', version: 2 ** 32, enabled: true }] }), 'MSG_INVALID');
    const many = Array.from({ length: MAX_CAPABILITIES + 1 }, (_, i) => ({ name: `c${i}`, version: 1, enabled: true }));
    expectCoded(() => encodeUpdateNodeInstanceConnection({ ...base, capabilities: many }), 'MSG_INVALID');
  });

  it('decoding rejects bad ids, negative hops, too many capabilities and malformed bytes with MSG_BAD_PROTOBUF', () => {
    const decode = decodeUpdateNodeInstanceConnection;
    expectCoded(() => decode(bytesOf(str(1, CLAIM), str(2, 'n'))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decode(bytesOf(str(2, NODE))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decode(bytesOf(str(1, CLAIM), str(2, NODE), vint(9, -2))), 'MSG_BAD_PROTOBUF');
    const caps = Array.from({ length: MAX_CAPABILITIES + 1 }, () => capability(10, 'c', 1, true));
    expectCoded(() => decode(bytesOf(str(1, CLAIM), str(2, NODE), ...caps)), 'MSG_BAD_PROTOBUF');
    expect(decode(bytesOf(str(1, CLAIM), str(2, NODE), ...caps.slice(1))).capabilities).toHaveLength(MAX_CAPABILITIES);
    expectCoded(() => decode(Buffer.from('12ff', 'hex')), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decode(bytesOf(str(1, CLAIM), str(2, NODE), str(6, 'x'))), 'MSG_BAD_PROTOBUF');
    expectOnlyBadProtobuf(decode);
  });
});
