import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSendNodeInstances, encodeSendNodeInstances } from '../../adapters/messages/index.js';
import { bytesOf, hex, msg, str, vint } from './support/pb.js';
import { expectCoded, expectOnlyBadProtobuf } from './support/coded.js';

const CLAIM = '11111111-2222-4333-8444-555555555555';

describe('SendNodeInstances', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({
        claimId: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        config: fc.option(fc.record({ bearerProtection: fc.boolean(), cloudOnlyNotifications: fc.boolean(), universalDashboards: fc.boolean() }), { nil: undefined }),
      }),
      (m) => {
        const expected = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
        expect(decodeSendNodeInstances(encodeSendNodeInstances(m))).toEqual(expected);
      },
    ));
  });

  it('uses the schema field numbers (hand-encoded: 1 claim_id, 2 config {1 bearer_protection, 2 cloud_only_notifications, 3 universal_dashboards})', () => {
    const expected = bytesOf(str(1, CLAIM), msg(2, vint(1, true), vint(3, true)));
    const m = { claimId: CLAIM, config: { bearerProtection: true, cloudOnlyNotifications: false, universalDashboards: true } };
    expect(hex(encodeSendNodeInstances(m))).toBe(hex(expected));
    expect(decodeSendNodeInstances(expected)).toEqual(m);
    expect(decodeSendNodeInstances(bytesOf(msg(2, vint(2, true))))).toEqual({
      config: { bearerProtection: false, cloudOnlyNotifications: true, universalDashboards: false },
    });
  });

  it('an empty payload is a request with no fields (the agent reads none of them)', () => {
    expect(encodeSendNodeInstances()).toHaveLength(0);
    expect(decodeSendNodeInstances(new Uint8Array(0))).toEqual({});
  });

  it('malformed protobuf is MSG_BAD_PROTOBUF', () => {
    expectCoded(() => decodeSendNodeInstances(Buffer.from('0a05ab', 'hex')), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeSendNodeInstances(bytesOf(msg(2, [0x08]))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeSendNodeInstances(null as unknown as Uint8Array), 'MSG_BAD_PROTOBUF');
    expectOnlyBadProtobuf(decodeSendNodeInstances);
  });
});
