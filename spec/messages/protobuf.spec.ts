import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkError } from '../../effects/errors.js';
import {
  decodeCancelPendingRequest,
  decodeDisconnectReq,
  decodeUpdateAgentConnection,
  encodeCancelPendingRequest,
  encodeDisconnectReq,
  encodeUpdateAgentConnection,
  type UpdateSource,
} from '../../adapters/messages/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
const capability = fc.record({ name: fc.string(), version: fc.nat({ max: 0xffffffff }), enabled: fc.boolean() });
const update = fc.record({
  claimId: fc.string(),
  reachable: fc.boolean(),
  sessionId: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger()),
  updateSource: fc.constantFrom<UpdateSource>('agent', 'lwt', 'heuristic'),
  updatedAtMs: ms,
  mqttBrokerAddr: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
  capabilities: fc.option(fc.array(capability, { maxLength: 4 }), { nil: undefined }),
});

function expectCoded(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe(code);
    return;
  }
  throw new Error('expected a throw');
}

describe('UpdateAgentConnection', () => {
  it('round-trips', () => {
    fc.assert(fc.property(update, (m) => {
      const d = decodeUpdateAgentConnection(encodeUpdateAgentConnection(m));
      expect(d.claimId).toBe(m.claimId);
      expect(d.reachable).toBe(m.reachable);
      expect(BigInt(d.sessionId)).toBe(BigInt(m.sessionId));
      expect(d.updateSource).toBe(m.updateSource);
      expect(d.updatedAtMs).toBe(m.updatedAtMs);
      expect(d.mqttBrokerAddr).toBe(m.mqttBrokerAddr);
      expect(d.capabilities).toEqual(m.capabilities ?? []);
    }));
  });

  it('uses the field numbers of PROTOCOL.md (hand-encoded bytes)', () => {
    const bytes = encodeUpdateAgentConnection({
      claimId: 'ab', reachable: true, sessionId: 300, updateSource: 'lwt', updatedAtMs: 1500,
      mqttBrokerAddr: 'b', capabilities: [{ name: 'p', version: 1, enabled: true }],
    });
    const expected = [
      '0a026162', // 1 claim_id "ab"
      '1001', // 2 reachable true
      '18ac02', // 3 session_id 300
      '2002', // 4 update_source LWT
      '2a0162', // 5 mqtt_broker_addr "b"
      '32080801' + '1080cab5ee01', // 6 updated_at {seconds 1, nanos 500_000_000}
      '8a0107' + '0a0170' + '1001' + '1801', // 17 capabilities {1 "p", 2 1, 3 true}
    ].join('');
    expect(hex(bytes)).toBe(expected);
    expect(decodeUpdateAgentConnection(Buffer.from(expected, 'hex')).sessionId).toBe(300);
  });

  it('decodes an unknown update source as unspecified and large session ids as bigint', () => {
    const d = decodeUpdateAgentConnection(Buffer.from('2009' + '18' + 'ffffffffffffffff7f', 'hex'));
    expect(d.updateSource).toBe('unspecified');
    expect(d.sessionId).toBe(2n ** 63n - 1n);
    expect(d.updatedAtMs).toBe(0);
  });

  it('rejects invalid input with MSG_INVALID', () => {
    const base = { claimId: 'c', reachable: true, updateSource: 'agent' as const, updatedAtMs: 0 };
    expectCoded(() => encodeUpdateAgentConnection({ ...base, sessionId: 1.5 }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateAgentConnection({ ...base, sessionId: 1, capabilities: [{ name: 'x', version: -1, enabled: true }] }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateAgentConnection({ ...base, sessionId: 1, updatedAtMs: Number.NaN }), 'MSG_INVALID');
  });
});

describe('DisconnectReq', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({
        reconnectAfterSeconds: fc.maxSafeNat(),
        permaban: fc.boolean(),
        createdAtMs: fc.option(ms, { nil: undefined }),
        errorCode: fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: undefined }),
        errorDescription: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      }),
      (m) => {
        const d = decodeDisconnectReq(encodeDisconnectReq(m));
        expect(d).toEqual(Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));
      },
    ));
  });

  it('uses the field numbers of PROTOCOL.md', () => {
    const bytes = encodeDisconnectReq({ reconnectAfterSeconds: 60, permaban: true, createdAtMs: 2000, errorCode: 7, errorDescription: 'x' });
    expect(hex(bytes)).toBe('083c' + '1001' + '1a020802' + '2007' + '2a0178');
  });
});

describe('CancelPendingRequest', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({
        requestId: fc.string(),
        timestampMs: fc.option(ms, { nil: undefined }),
        traceId: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      }),
      (m) => {
        expect(decodeCancelPendingRequest(encodeCancelPendingRequest(m))).toEqual(
          Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)),
        );
      },
    ));
  });

  it('uses the field numbers of PROTOCOL.md', () => {
    expect(hex(encodeCancelPendingRequest({ requestId: 'r', timestampMs: 1000, traceId: 't' }))).toBe('0a0172' + '12020801' + '1a0174');
  });
});

describe('garbage', () => {
  const decoders = [decodeUpdateAgentConnection, decodeDisconnectReq, decodeCancelPendingRequest];

  it('truncated and wrongly typed input throws MSG_BAD_PROTOBUF', () => {
    for (const decode of decoders) {
      expectCoded(() => decode(Buffer.from('0a05ab', 'hex')), 'MSG_BAD_PROTOBUF');
      expectCoded(() => decode(Buffer.from('ff', 'hex')), 'MSG_BAD_PROTOBUF');
      expectCoded(() => decode('nope' as unknown as Uint8Array), 'MSG_BAD_PROTOBUF');
    }
  });

  it('random bytes never throw anything but a coded LinkError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      for (const decode of decoders) {
        try {
          decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(LinkError);
          expect((error as LinkError).code).toBe('MSG_BAD_PROTOBUF');
        }
      }
    }), { numRuns: 2000 });
  });
});
