/** The broker's pieces on their own: topic ACL, mosquitto log lines, the /mqtt upgrade rules, BROKER_MISSING. */
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:tls';
import { findMosquitto } from '../../devcloud/broker/mosquitto-files.js';
import { parseLogLine } from '../../devcloud/broker/mosquitto-log.js';
import { cmdReplyTopic, inboundTopic, mayPublish, maySubscribe, outboundClaimId } from '../../devcloud/broker/topics.js';
import type { DevCloud } from '../../devcloud/index.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

describe('broker topics and ACL', () => {
  it('lets a node publish only under its outbound topics and subscribe only under its inbound ones', () => {
    expect(inboundTopic('n1', 'cmd')).toBe('/agent/n1/inbound/v2/cmd');
    expect(cmdReplyTopic('n1')).toBe('/agent/n1/outbound/v1/cmd-reply');
    expect(mayPublish('n1', '/agent/n1/outbound/v1/connection')).toBe(true);
    expect(mayPublish('n1', '/agent/n10/outbound/v1/connection')).toBe(false);
    expect(mayPublish('n1', '/agent/n1/inbound/v2/cmd')).toBe(false);
    expect(mayPublish('', '/agent//outbound/x')).toBe(false);
    expect(maySubscribe('n1', '/agent/n1/inbound/v2/#')).toBe(true);
    expect(maySubscribe('n1', '/agent/n1/inbound/#')).toBe(true);
    expect(maySubscribe('n1', '/agent/+/inbound/#')).toBe(false);
    expect(maySubscribe('n1', '#')).toBe(false);
    expect(maySubscribe('n1', '/agent/n1/outbound/#')).toBe(false);
    expect(maySubscribe('n+', '/agent/n+/inbound/#')).toBe(false);
    expect(outboundClaimId('/agent/abc/outbound/v1/chart')).toBe('abc');
    expect(outboundClaimId('/agent/abc/inbound/v2/cmd')).toBeUndefined();
  });
});

describe('mosquitto log lines', () => {
  it('reads connections and the ways a connection ends', () => {
    expect(parseLogLine("New client connected from 127.0.0.1:38724 as a-b (p5, c1, k60, u'agent-1')."))
      .toEqual({ kind: 'connected', clientId: 'a-b', username: 'agent-1' });
    expect(parseLogLine("1795607247: New client connected from ::1:1 as x (p2, c1, k60, u'u').")).toMatchObject({ clientId: 'x', username: 'u' });
    for (const line of ['Client x closed its connection.', 'Client x disconnected.', 'Client x has exceeded timeout, disconnecting.',
      'Client x been disconnected by administrative action.', 'Client x already connected, closing old connection.',
      'Client x disconnected due to protocol error.', 'Socket error on client x, disconnecting.']) {
      expect(parseLogLine(line)).toEqual({ kind: 'gone', clientId: 'x' });
    }
    expect(parseLogLine('Client x disconnected, not authorised.')).toBeUndefined();
    expect(parseLogLine('Client <unknown> disconnected.')).toBeUndefined();
    expect(parseLogLine('New connection from 127.0.0.1:1 on port 2.')).toBeUndefined();
  });
});

/** The status line the cloud answers to an upgrade request. */
function upgrade(cloud: DevCloud, path: string, protocol?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: cloud.port, ca: cloud.caPem }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`
        + `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${protocol === undefined ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`}\r\n`);
    });
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0] ?? '');
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

describe('the /mqtt upgrade endpoint (aedes)', () => {
  it('accepts /mqtt with subprotocol mqtt, answers 404 otherwise, 503 in an outage', async () => {
    const { cloud } = await startTestCloud();
    expect(await upgrade(cloud, '/mqtt', 'mqtt')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgrade(cloud, '/mqtt', 'mqttv3.1, mqtt')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgrade(cloud, '/mqtt')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgrade(cloud, '/other', 'mqtt')).toBe('HTTP/1.1 404 Not Found');
    await cloud.broker.setRefusing(true);
    expect(await upgrade(cloud, '/mqtt', 'mqtt')).toBe('HTTP/1.1 503 Service Unavailable');
    await cloud.broker.setRefusing(false);
    // A handler attached with onUpgrade wins until detached; then the broker answers again.
    const detach = cloud.onUpgrade((_req, socket) => socket.end('HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\n\r\n'));
    expect(await upgrade(cloud, '/mqtt', 'mqtt')).toBe('HTTP/1.1 418 Teapot');
    detach();
    expect(await upgrade(cloud, '/mqtt', 'mqtt')).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it("broker 'none': no endpoint, env keeps the settings' transports, publishing is BROKER_NONE", async () => {
    const { cloud } = await startTestCloud({ broker: 'none' });
    expect(await upgrade(cloud, '/mqtt', 'mqtt')).toBe('HTTP/1.1 404 Not Found');
    expect(cloud.settings().transports.map((t) => t.type)).toEqual(['MQTTv5', 'MQTTv3']);
    await expect(cloud.broker.publishToNode('x', 'cmd', new Uint8Array(1))).rejects.toMatchObject({ code: 'BROKER_NONE' });
  });

  it('explicit settings.transports win over the broker offer', async () => {
    const { cloud } = await startTestCloud({ settings: { transports: [{ type: 'MQTTv5' }] } });
    expect(cloud.settings().transports).toEqual([{ type: 'MQTTv5' }]);
  });
});

describe('a missing mosquitto', () => {
  it('is BROKER_MISSING naming the package', async () => {
    const error = await findMosquitto({ PATH: '/nonexistent', MOSQUITTO_BIN: '/nonexistent/mosquitto' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BROKER_MISSING' });
    expect((error as Error).message).toContain('apt-get install -y mosquitto');
    const plugin = await findMosquitto({ MOSQUITTO_BIN: '/bin/sh', MOSQUITTO_DYNSEC_PLUGIN: '/nonexistent.so' }).catch((e: unknown) => e);
    expect(plugin).toMatchObject({ code: 'BROKER_MISSING' });
  });

  it('makes startDevCloud reject with BROKER_MISSING', async () => {
    const saved = process.env.MOSQUITTO_BIN;
    process.env.MOSQUITTO_BIN = '/nonexistent/mosquitto';
    try {
      await expect(startTestCloud({ broker: 'mosquitto' })).rejects.toMatchObject({ code: 'BROKER_MISSING' });
    } finally {
      if (saved === undefined) delete process.env.MOSQUITTO_BIN;
      else process.env.MOSQUITTO_BIN = saved;
    }
  });
});
