/**
 * The baseline's bare mqtt.js client connects where the cloud's env answer points: the real cloud's
 * form (`https://host:port/mqtt`, or `host:port`) is MQTT over WSS, which mqtt.js takes only as `wss://`
 * (an `https://` URL made it open a plain TLS connection, and the broker reset it).
 */
import { describe, expect, it } from 'vitest';
import { wssEndpoint } from '../../bench/baseline-support.js';
import { parseEndpoint } from '../../adapters/mqtt/endpoint.js';

describe('the bare client\'s endpoint', () => {
  it.each([
    ['https://127.0.0.1:4443/mqtt', 'wss://127.0.0.1:4443/mqtt'],
    ['https://cloud.example:443/mqtt', 'wss://cloud.example/mqtt'],
    ['app.netdata.cloud:443', 'wss://app.netdata.cloud/mqtt'],
    ['wss://broker.example:8443/ws', 'wss://broker.example:8443/ws'],
  ])('%s -> %s, where the link connects too', (offered, expected) => {
    expect(wssEndpoint(offered)).toBe(expected);
    const link = parseEndpoint(offered);
    const bare = new URL(expected);
    expect([bare.hostname, bare.port === '' ? 443 : Number(bare.port), bare.pathname]).toEqual([link.hostname, link.port, link.path]);
  });
});
