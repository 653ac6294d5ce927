/**
 * Issue 13: every dev-cloud listener binds to loopback by default. The HTTPS API, the admin API and
 * aedes' WSS share one port; mosquitto has a plain admin listener and a WebSocket listener, and the
 * latter used to answer on every interface (`*:port`) although its configuration said 127.0.0.1.
 * Checked against the kernel's socket tables, not against what the configuration claims.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as tls from 'node:tls';
import { networkInterfaces } from 'node:os';
import { websocketsBinding } from '../../devcloud/broker/mosquitto-files.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { mosquittoAvailable } from '../broker/support.js';
import { isLoopback, listenSockets, listenSocketsOf } from './listen-sockets.js';

afterEach(cleanupTestResources);

const onPort = async (port: number) => (await listenSockets()).filter((s) => s.port === port);

/** A non-loopback IPv4 address of this machine, if it has one. */
const outsideAddress = (): string | undefined =>
  Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;

/** Whether a TLS handshake to host:port completes. */
function handshake(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, timeout: 3_000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('dev cloud listeners bind to loopback by default', () => {
  it('HTTPS API, admin API and aedes WSS: one port, loopback only', async () => {
    const { cloud } = await startTestCloud();
    expect(cloud.host).toBe('127.0.0.1');
    const sockets = await onPort(cloud.port);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
  });

  it('websocketsBinding: an IPv4 host turns IPv6 off; a host name is refused (libwebsockets takes IPs only)', () => {
    expect(websocketsBinding('127.0.0.1')).toEqual(['socket_domain ipv4']);
    expect(websocketsBinding('::1')).toEqual(['socket_domain ipv6']);
    expect(() => websocketsBinding('localhost')).toThrow(expect.objectContaining({ code: 'BROKER_START_FAILED' }));
  });
});

describe.runIf(await mosquittoAvailable())('dev cloud mosquitto listeners bind to loopback', () => {
  it('every socket mosquitto listens on is loopback, the WebSocket one included', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const wsPort = Number(new URL(cloud.settings().transports[0]?.endpoint ?? '').port);
    const mine = await listenSocketsOf(cloud.broker.pid ?? -1);
    expect(mine.map((s) => s.port)).toContain(wsPort);
    expect(mine.length).toBeGreaterThanOrEqual(2); // the plain admin listener and the WebSocket one
    expect(mine.filter((s) => !isLoopback(s.address))).toEqual([]);
    const https = await onPort(cloud.port);
    expect(https.length).toBeGreaterThan(0);
    expect(https.filter((s) => !isLoopback(s.address))).toEqual([]);
    expect(await handshake('127.0.0.1', wsPort)).toBe(true);
    const outside = outsideAddress();
    if (outside !== undefined) expect(await handshake(outside, wsPort)).toBe(false);
  });

  it('an IPv6 loopback host binds the WebSocket listener to ::1 only', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto', host: '::1' });
    const wsPort = Number(new URL(cloud.settings().transports[0]?.endpoint ?? '').port);
    const ws = (await listenSocketsOf(cloud.broker.pid ?? -1)).filter((s) => s.port === wsPort);
    expect(ws.map((s) => s.address)).toEqual(['::1']);
  });
});
