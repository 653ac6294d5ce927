/**
 * Fuzzing the inbound MQTT payloads (issue 7): random bytes, random protobuf-shaped fields and mutated
 * valid encodings through the real decoders and the real `inbound()` dispatch of the MQTT session.
 * Every outcome is a decoded message or a documented coded error; nothing else escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCancelPendingRequest, decodeDisconnectReq, decodeUpdateAgentConnection, encodeCancelPendingRequest, encodeDisconnectReq,
  encodeUpdateAgentConnection,
} from '../../adapters/messages/index.js';
import { inbound } from '../../adapters/mqtt/inbound.js';
import type { LogFields, Logger } from '../../effects/ports.js';
import { codeOf, mutated, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

/** Protobuf-shaped bytes: known and unknown field numbers, every wire type (valid or not), odd lengths. */
const field = fc.record({
  no: fc.oneof(fc.integer({ min: 1, max: 17 }), fc.integer({ min: 0, max: 2 ** 29 })),
  wire: fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.integer({ min: 0, max: 7 })),
  value: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 63n, 2n ** 64n - 1n, -1n)),
  bytes: fc.uint8Array({ maxLength: 40 }),
  lengthSkew: fc.constantFrom(0, 0, 0, 1, -1, 1000),
});
const protobufish = fc.array(field, { maxLength: 8 }).map((fields) => Uint8Array.from(fields.flatMap((f) => {
  const tag = varint(BigInt(f.no * 8 + f.wire));
  if (f.wire === 0) return [...tag, ...varint(f.value)];
  if (f.wire === 1) return [...tag, ...f.bytes.slice(0, 8)];
  if (f.wire === 5) return [...tag, ...f.bytes.slice(0, 4)];
  if (f.wire === 2) return [...tag, ...varint(BigInt(Math.max(0, f.bytes.length + f.lengthSkew))), ...f.bytes];
  return [...tag, ...f.bytes];
})));

const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
const validDisconnect = fc.record({
  reconnectAfterSeconds: fc.oneof(fc.nat(), fc.maxSafeNat()), permaban: fc.boolean(), createdAtMs: fc.option(ms, { nil: undefined }),
  errorCode: fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }), errorDescription: fc.option(fc.string(), { nil: undefined }),
}).map((m) => encodeDisconnectReq(m));
const validCancel = fc.record({ requestId: fc.string(), timestampMs: fc.option(ms, { nil: undefined }), traceId: fc.option(fc.string(), { nil: undefined }) })
  .map((m) => encodeCancelPendingRequest(m));
const validUpdate = fc.record({
  claimId: fc.uuid(), reachable: fc.boolean(), sessionId: fc.maxSafeNat(), updateSource: fc.constantFrom('agent' as const, 'lwt' as const, 'heuristic' as const), updatedAtMs: ms,
}).map((m) => encodeUpdateAgentConnection(m));

const garbage = (valid: fc.Arbitrary<Uint8Array>) => fc.oneof(fc.uint8Array({ maxLength: 300 }), protobufish, mutated(valid), mutated(protobufish));

describe('fuzz: protobuf decoders', () => {
  it('DisconnectReq: decoded with sane fields, or MSG_BAD_PROTOBUF', () => {
    fc.assert(fc.property(garbage(validDisconnect), (bytes) => {
      let decoded: ReturnType<typeof decodeDisconnectReq> | undefined;
      const code = codeOf(() => { decoded = decodeDisconnectReq(bytes); });
      expect(['ok', 'MSG_BAD_PROTOBUF']).toContain(code);
      if (decoded === undefined) return;
      expect(Number.isSafeInteger(decoded.reconnectAfterSeconds) && decoded.reconnectAfterSeconds >= 0).toBe(true);
      expect(typeof decoded.permaban).toBe('boolean');
      if (decoded.createdAtMs !== undefined) expect(Number.isFinite(decoded.createdAtMs)).toBe(true);
    }), runs());
  });

  it('CancelPendingRequest and UpdateAgentConnection: decoded or MSG_BAD_PROTOBUF', () => {
    fc.assert(fc.property(garbage(validCancel), garbage(validUpdate), (a, b) => {
      expect(['ok', 'MSG_BAD_PROTOBUF']).toContain(codeOf(() => expect(typeof decodeCancelPendingRequest(a).requestId).toBe('string')));
      expect(['ok', 'MSG_BAD_PROTOBUF']).toContain(codeOf(() => {
        const m = decodeUpdateAgentConnection(b);
        expect(Number.isFinite(m.updatedAtMs)).toBe(true);
        expect(['agent', 'lwt', 'heuristic', 'unspecified']).toContain(m.updateSource);
      }));
    }), runs());
  });

  it('valid encodings are still accepted, and a cut-short field is MSG_BAD_PROTOBUF', () => {
    fc.assert(fc.property(validDisconnect, validCancel, (d, c) => {
      expect(codeOf(() => decodeDisconnectReq(d))).toBe('ok');
      expect(codeOf(() => decodeCancelPendingRequest(c))).toBe('ok');
    }), runs(200, 5_000));
    // Regression-style examples: a truncated varint, a length beyond the end, an end-group with no start, not bytes at all.
    for (const bad of [[0x08, 0xff], [0x2a, 0x05, 0x41], [0x0c], [0x08, ...Array(11).fill(0xff), 0x01]]) {
      expect(codeOf(() => decodeDisconnectReq(Uint8Array.from(bad)))).toBe('MSG_BAD_PROTOBUF');
    }
    expect(codeOf(() => decodeDisconnectReq('not bytes' as unknown as Uint8Array))).toBe('MSG_BAD_PROTOBUF');
  });
});

describe('fuzz: inbound() of the MQTT session', () => {
  const recorder = () => {
    const warnings: { message: string; fields?: LogFields }[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (message, fields) => { warnings.push({ message, fields }); } };
    return { logger, warnings };
  };
  const topicType = fc.oneof(fc.constantFrom('DisconnectReq', 'cmd', 'CancelPendingRequest', 'inbox-cmd'), fc.string({ maxLength: 20 }));
  const topic = fc.tuple(fc.constantFrom('', '/agent/x/inbound/v1/', '/', 'a/b/'), topicType).map(([p, t]) => `${p}${t}`);

  it('a DisconnectReq is an event or a logged drop; every other type goes to the host as bytes', () => {
    fc.assert(fc.property(topic, garbage(validDisconnect), (t, bytes) => {
      const { logger, warnings } = recorder();
      const payload = Buffer.from(bytes);
      const event = inbound(t, payload, logger);
      const type = t.slice(t.lastIndexOf('/') + 1);
      if (type !== 'DisconnectReq') {
        expect(event).toEqual({ type: 'message', messageType: type, topic: t, payload: new Uint8Array(bytes) });
        return;
      }
      const decodable = codeOf(() => decodeDisconnectReq(bytes)) === 'ok';
      if (decodable) {
        expect(event).toMatchObject({ type: 'disconnect-req' });
        // Regression: a uint64 reconnect-after crashed the link's state; it is capped to what a Node.js timer holds.
        const seconds = event?.type === 'disconnect-req' ? event.reconnectAfterSeconds : -1;
        expect(seconds >= 0 && seconds * 1000 <= 2_147_483_647).toBe(true);
      }
      else {
        expect(event).toBeNull();
        expect(warnings.map((w) => w.message)).toEqual(['malformed DisconnectReq dropped']);
        expect(String(warnings[0]?.fields?.reason)).toContain('DisconnectReq');
      }
    }), runs());
  });
});
