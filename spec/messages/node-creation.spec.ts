import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeCreateNodeInstance,
  decodeCreateNodeInstanceResult,
  encodeCreateNodeInstance,
  encodeCreateNodeInstanceResult,
} from '../../adapters/messages/index.js';
import { bytesOf, hex, str, vint } from './support/pb.js';
import { expectCoded, expectOnlyBadProtobuf, uuid } from './support/coded.js';

const CLAIM = '11111111-2222-4333-8444-555555555555';
const GUID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const NODE = '01234567-89ab-4def-8123-456789abcdef';

describe('CreateNodeInstance', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({ claimId: uuid, machineGuid: uuid, hostname: fc.string(), hops: fc.integer({ min: 0, max: 0x7fffffff }) }),
      (m) => {
        expect(decodeCreateNodeInstance(encodeCreateNodeInstance(m))).toEqual(m);
      },
    ));
  });

  it('uses the schema field numbers (hand-encoded: 1 claim_id, 2 machine_guid, 3 hostname, 6 hops)', () => {
    const expected = bytesOf(str(1, CLAIM), str(2, GUID), str(3, 'web-1'), vint(6, 2));
    expect(hex(encodeCreateNodeInstance({ claimId: CLAIM, machineGuid: GUID, hostname: 'web-1', hops: 2 }))).toBe(hex(expected));
    expect(decodeCreateNodeInstance(expected)).toEqual({ claimId: CLAIM, machineGuid: GUID, hostname: 'web-1', hops: 2 });
  });

  it('defaults hops to 0 (left out on the wire) and lower-cases ids', () => {
    const bytes = encodeCreateNodeInstance({ claimId: CLAIM.toUpperCase(), machineGuid: GUID.toUpperCase(), hostname: 'h' });
    expect(hex(bytes)).toBe(hex(bytesOf(str(1, CLAIM), str(2, GUID), str(3, 'h'))));
  });

  it('decodes the fields the cloud injects (4 vmq_instance_id, 5 mqtt_broker_addr)', () => {
    const d = decodeCreateNodeInstance(bytesOf(str(1, CLAIM), str(2, GUID), vint(4, 7), str(5, 'vmq-1')));
    expect(d).toEqual({ claimId: CLAIM, machineGuid: GUID, hostname: '', hops: 0, vmqInstanceId: 7, mqttBrokerAddr: 'vmq-1' });
  });

  it('encoding rejects non-UUID ids and bad hops with MSG_INVALID', () => {
    const base = { claimId: CLAIM, machineGuid: GUID, hostname: 'h' };
    expectCoded(() => encodeCreateNodeInstance({ ...base, machineGuid: 'not-a-guid' }), 'MSG_INVALID');
    expectCoded(() => encodeCreateNodeInstance({ ...base, claimId: '' }), 'MSG_INVALID');
    expectCoded(() => encodeCreateNodeInstance({ ...base, hops: -1 }), 'MSG_INVALID');
    expectCoded(() => encodeCreateNodeInstance({ ...base, hops: 1.5 }), 'MSG_INVALID');
    expectCoded(() => encodeCreateNodeInstance({ ...base, hops: 2 ** 31 }), 'MSG_INVALID');
  });

  it('decoding rejects a missing machine GUID and negative hops with MSG_BAD_PROTOBUF', () => {
    expectCoded(() => decodeCreateNodeInstance(bytesOf(str(1, CLAIM))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeCreateNodeInstance(bytesOf(str(1, CLAIM), str(2, GUID), vint(6, -1))), 'MSG_BAD_PROTOBUF');
  });
});

describe('CreateNodeInstanceResult', () => {
  it('round-trips', () => {
    fc.assert(fc.property(fc.record({ nodeId: uuid, machineGuid: uuid }), (m) => {
      expect(decodeCreateNodeInstanceResult(encodeCreateNodeInstanceResult(m))).toEqual(m);
    }));
  });

  it('uses the schema field numbers (hand-encoded: 1 node_id, 2 machine_guid)', () => {
    const expected = bytesOf(str(1, NODE), str(2, GUID));
    expect(hex(encodeCreateNodeInstanceResult({ nodeId: NODE, machineGuid: GUID }))).toBe(hex(expected));
    expect(decodeCreateNodeInstanceResult(expected)).toEqual({ nodeId: NODE, machineGuid: GUID });
  });

  it('lower-cases the ids it receives', () => {
    const d = decodeCreateNodeInstanceResult(bytesOf(str(1, NODE.toUpperCase()), str(2, GUID.toUpperCase())));
    expect(d).toEqual({ nodeId: NODE, machineGuid: GUID });
  });

  it('rejects what the agent would drop: ids that are not UUIDs, missing ids (MSG_BAD_PROTOBUF)', () => {
    const bad = [
      bytesOf(),
      bytesOf(str(1, NODE)),
      bytesOf(str(2, GUID)),
      bytesOf(str(1, 'node-1'), str(2, GUID)),
      bytesOf(str(1, NODE), str(2, `${GUID}0`)),
      bytesOf(str(1, NODE.replaceAll('-', '')), str(2, GUID)),
      bytesOf(str(1, `{${NODE}}`), str(2, GUID)),
      bytesOf(str(1, `${NODE}\n`), str(2, GUID)),
    ];
    for (const bytes of bad) expectCoded(() => decodeCreateNodeInstanceResult(bytes), 'MSG_BAD_PROTOBUF');
  });

  it('encoding rejects non-UUID ids with MSG_INVALID', () => {
    expectCoded(() => encodeCreateNodeInstanceResult({ nodeId: 'x', machineGuid: GUID }), 'MSG_INVALID');
  });

  it('malformed protobuf is MSG_BAD_PROTOBUF', () => {
    for (const decode of [decodeCreateNodeInstanceResult, decodeCreateNodeInstance]) {
      expectCoded(() => decode(Buffer.from('0a24ab', 'hex')), 'MSG_BAD_PROTOBUF'); // truncated string
      expectCoded(() => decode(Buffer.from('ff', 'hex')), 'MSG_BAD_PROTOBUF');
      expectCoded(() => decode(bytesOf(vint(1, 5))), 'MSG_BAD_PROTOBUF'); // node_id/claim_id as a varint
      expectCoded(() => decode('nope' as unknown as Uint8Array), 'MSG_BAD_PROTOBUF');
      expectOnlyBadProtobuf(decode);
    }
  });
});
