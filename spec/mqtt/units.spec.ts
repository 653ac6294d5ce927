/** The transport's small parts: flow control, keepalive watchdog, packet sizes, endpoints, error codes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkError } from '../../effects/errors.js';
import { PublishFlow } from '../../adapters/mqtt/publish-flow.js';
import { PingWatchdog } from '../../adapters/mqtt/ping-watchdog.js';
import { publishPacketSize, serverLimits } from '../../adapters/mqtt/limits.js';
import { parseEndpoint } from '../../adapters/mqtt/endpoint.js';
import { classifySessionError, connackRefused, pubackRefused } from '../../adapters/mqtt/errors.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';

describe('PublishFlow', () => {
  it('never has more than the limit in flight, sends in order, settles each publish once', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 30 }), async (limit, count) => {
      const sent: { topic: string; done: (e: unknown) => void }[] = [];
      let max = 0;
      const flow = new PublishFlow((topic, _p, done) => {
        sent.push({ topic, done });
        max = Math.max(max, flow.inflight);
      }, limit);
      const results = Array.from({ length: count }, (_, i) => flow.submit(`t${i}`, new Uint8Array()));
      for (let i = 0; i < count; i += 1) {
        const next = sent[i];
        expect(next?.topic).toBe(`t${i}`);
        next?.done(null);
        next?.done(null);
      }
      await Promise.all(results);
      expect(max).toBeLessThanOrEqual(limit);
      expect(flow.inflight).toBe(0);
    }));
  });

  it('failAll rejects queued and in-flight publishes and later submits', async () => {
    const flow = new PublishFlow(() => undefined, 1);
    const a = flow.submit('a', new Uint8Array());
    const b = flow.submit('b', new Uint8Array());
    expect([flow.inflight, flow.queued]).toEqual([1, 1]);
    flow.failAll(new LinkError('SOCKET_CLOSED', 'gone'));
    await expect(a).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(b).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(flow.submit('c', new Uint8Array())).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
  });
});

describe('PingWatchdog', () => {
  function setup() {
    const clock = new SimClock();
    let pings = 0;
    let timeouts = 0;
    const dog = new PingWatchdog(clock, 45_000, 60_000, () => { pings += 1; }, () => { timeouts += 1; });
    return { clock, dog, pings: () => pings, timeouts: () => timeouts };
  }

  it('pings after 45 s idle and gives up 60 s later without PINGRESP', async () => {
    const t = setup();
    t.dog.start();
    await t.clock.advance(44_999);
    expect(t.pings()).toBe(0);
    await t.clock.advance(1);
    expect(t.pings()).toBe(1);
    await t.clock.advance(59_999);
    expect(t.timeouts()).toBe(0);
    await t.clock.advance(1);
    expect(t.timeouts()).toBe(1);
  });

  it('traffic postpones the ping; a PINGRESP re-arms it', async () => {
    const t = setup();
    t.dog.start();
    await t.clock.advance(30_000);
    t.dog.packetSent();
    await t.clock.advance(30_000);
    expect(t.pings()).toBe(0);
    await t.clock.advance(15_000);
    expect(t.pings()).toBe(1);
    await t.clock.advance(1_000);
    t.dog.pongReceived();
    await t.clock.advance(45_000);
    expect(t.pings()).toBe(2);
    t.dog.stop();
    await t.clock.advance(200_000);
    expect(t.timeouts()).toBe(0);
    expect(t.clock.pending).toBe(0);
    await settle();
  });
});

describe('limits', () => {
  it('computes the PUBLISH packet size', () => {
    // fixed header 1 + remaining length 1 + topic (2 + 1) + packet id 2 + payload 3 (+ 1 properties byte on v5)
    expect(publishPacketSize('t', 3, 4)).toBe(10);
    expect(publishPacketSize('t', 3, 5)).toBe(11);
    expect(publishPacketSize('t', 200, 4)).toBe(1 + 2 + 3 + 2 + 200);
    expect(publishPacketSize('é', 0, 4)).toBe(1 + 1 + 4 + 2);
    expect(publishPacketSize('t', 300_000_000, 5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads CONNACK properties, absent means no limit', () => {
    expect(serverLimits({ maximumPacketSize: 100, receiveMaximum: 3, topicAliasMaximum: 4 })).toEqual({ maximumPacketSize: 100, receiveMaximum: 3, topicAliasMaximum: 4 });
    expect(serverLimits(undefined).receiveMaximum).toBe(65_535);
    expect(serverLimits({ receiveMaximum: 0 }).receiveMaximum).toBe(65_535);
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['wss://mqtt.example:443', { hostname: 'mqtt.example', port: 443, path: '/mqtt' }],
    ['wss://mqtt.example/mqtt', { hostname: 'mqtt.example', port: 443, path: '/mqtt' }],
    ['mqtt.example:8443', { hostname: 'mqtt.example', port: 8443, path: '/mqtt' }],
    ['wss://[::1]:9000/ws', { hostname: '[::1]', port: 9000, path: '/ws' }],
    ['https://h', { hostname: 'h', port: 443, path: '/mqtt' }],
  ])('%s', (endpoint, expected) => {
    expect(parseEndpoint(endpoint)).toMatchObject(expected);
  });

  it.each(['ws://h', 'mqtt://h', 'wss://user:pw@h', 'wss://', '::'])('rejects %s', (endpoint) => {
    expect(() => parseEndpoint(endpoint)).toThrow(expect.objectContaining({ code: 'ENDPOINT_INVALID' }));
  });
});

describe('error codes', () => {
  const ctx = { up: false, endpoint: 'wss://h:443/mqtt' };
  const sys = (code: string, message = code) => Object.assign(new Error(message), { code, syscall: 'connect' });

  it.each([
    [new Error('Unexpected server response: 503'), 'WS_UPGRADE_FAILED'],
    [new Error('Server sent no subprotocol'), 'WS_UPGRADE_FAILED'],
    [new Error('Opening handshake has timed out'), 'CONNECT_TIMEOUT'],
    [new Error('connack timeout'), 'CONNECT_TIMEOUT'],
    [new Error('Invalid header flag bits'), 'PROTOCOL_ERROR'],
    [Object.assign(new Error('Protocol error: duplicate CONNACK'), { code: 130 }), 'PROTOCOL_ERROR'],
    [Object.assign(new RangeError('Invalid WebSocket frame'), { code: 'WS_ERR_INVALID_OPCODE' }), 'PROTOCOL_ERROR'],
    [sys('ECONNREFUSED'), 'CONNECT_REFUSED'],
    [sys('ENOTFOUND'), 'DNS_FAILED'],
    [Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'TLS_VERIFY_FAILED'],
    [Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 'TLS_HANDSHAKE_FAILED'],
    [new LinkError('PROXY_AUTH_FAILED', 'proxy says no'), 'PROXY_AUTH_FAILED'],
  ])('%s', (error, code) => {
    expect(classifySessionError(error, ctx).code).toBe(code);
  });

  it('network errors after CONNACK mean the connection went away', () => {
    expect(classifySessionError(sys('ECONNRESET'), { ...ctx, up: true }).code).toBe('SOCKET_CLOSED');
  });

  it('proxy socket errors are proxy errors while connecting through a proxy', () => {
    const proxy = { kind: 'http' as const, host: '127.0.0.1', port: 3128, password: 'pw' };
    const e = classifySessionError(sys('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3128'), { ...ctx, proxy });
    expect(e.code).toBe('PROXY_UNREACHABLE');
    expect(e.message).not.toContain('pw');
  });

  it('CONNACK and PUBACK reasons', () => {
    expect(connackRefused(5, 0x86).message).toContain('134 (0x86 Bad User Name or Password)');
    expect(connackRefused(4, 5).message).toContain('return code 5');
    expect(pubackRefused('t', 0x87).code).toBe('TOPIC_UNKNOWN');
    expect(pubackRefused('t', 0x95).code).toBe('MESSAGE_TOO_BIG');
    expect(pubackRefused('t', 0x97).code).toBe('PUBLISH_REJECTED');
  });
});
