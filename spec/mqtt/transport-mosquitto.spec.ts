/** The real MQTT transport against Debian's mosquitto 2 over WSS: MQTT 5 (and 3.1.1 on request). */
import * as https from 'node:https';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { TransportParams } from '../../effects/ports.js';
import { decodeUpdateAgentConnection, encodeDisconnectReq } from '../../adapters/messages/index.js';
import { createMqttTransport, type MqttSession, type MqttTransportOptions } from '../../adapters/mqtt/index.js';
import { skipWithoutMosquitto, startMosquitto, type MosquittoTestBroker } from './support/mosquitto-broker.js';
import { CLAIM_ID, EventLog, clock, credentials, recordingLogger, topicsFor } from './support/harness.js';

const skip = skipWithoutMosquitto();
const topics = topicsFor(CLAIM_ID);
const connTopic = topics['agent-connection'] ?? '';

interface Seen { readonly topic: string; readonly payload: Buffer; readonly qos: number; readonly retain: boolean }

describe.skipIf(skip)('MQTT transport (mosquitto)', () => {
  let broker: MosquittoTestBroker;
  let watcher: MqttClient;
  const seen: Seen[] = [];
  const sessions: { close(o: { graceful: boolean }): Promise<void> }[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ node: 'node-pass' }, ['max_packet_size 2000', 'max_inflight_messages 2']);
    watcher = await broker.watcher();
    watcher.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => seen.push({ topic, payload, qos: packet.qos, retain: packet.retain }));
    await watcher.subscribeAsync(`/agent/${CLAIM_ID}/outbound/#`, { qos: 2 });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close({ graceful: false })));
    await broker?.stop();
  });

  async function waitSeen(predicate: (s: Seen) => boolean, timeoutMs = 10_000): Promise<Seen> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = seen.find(predicate);
      if (found) return found;
      if (Date.now() > end) throw new Error('not seen in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function connect(params: Partial<TransportParams> = {}, options: Partial<MqttTransportOptions> = {}) {
    const logger = recordingLogger();
    const sockets: Duplex[] = [];
    const transport = createMqttTransport({
      tls: { ca: broker.caPem, insecure: false }, clock, logger,
      agentFactory: (tls) => {
        const agent = new https.Agent({ rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) });
        const create = agent.createConnection.bind(agent) as (o: unknown, cb?: unknown) => Duplex;
        (agent as unknown as { createConnection: (o: unknown, cb?: unknown) => Duplex }).createConnection = (o, cb) => {
          const socket = create(o, cb);
          sockets.push(socket);
          return socket;
        };
        return agent;
      },
      ...options,
    });
    const sessionId = 1_700_000_000_000_000 + Math.floor(Math.random() * 1e6);
    const session = transport.connect({ endpoint: broker.endpoint, mqttVersion: 5, claimId: CLAIM_ID, credentials: credentials('node', 'node-pass'), sessionId, ...params });
    sessions.push(session);
    return { session, log: new EventLog(session), logger, sockets, sessionId };
  }

  it('MQTT 5: connects and announces UpdateAgentConnection, seen by another subscriber', async () => {
    const { log, sessionId } = connect();
    expect(await log.next('up')).toEqual({ type: 'up', mqttVersion: 5 });
    const m = await waitSeen((s) => s.topic === connTopic && decodeUpdateAgentConnection(s.payload).sessionId === sessionId);
    expect(m.qos).toBe(1);
    expect(decodeUpdateAgentConnection(m.payload)).toMatchObject({ reachable: true, updateSource: 'agent', claimId: CLAIM_ID });
    await log.next('puback');
  });

  it('the Last Will (QoS 2, not retained) reaches another subscriber when the socket is cut', async () => {
    const { log, sockets, sessionId } = connect();
    await log.next('up');
    for (const s of sockets) s.destroy();
    const will = await waitSeen((s) => s.topic === connTopic && decodeUpdateAgentConnection(s.payload).sessionId === sessionId && decodeUpdateAgentConnection(s.payload).updateSource === 'lwt');
    expect(will.qos).toBe(2);
    expect(will.retain).toBe(false);
    expect(decodeUpdateAgentConnection(will.payload).reachable).toBe(false);
    expect(await log.next('closed')).toMatchObject({ code: 'SOCKET_CLOSED' });
  });

  it("respects the broker's Maximum Packet Size: MESSAGE_TOO_BIG, and the session stays up", async () => {
    const { session, log } = connect();
    await log.next('up');
    await expect(session.publish('chart', new Uint8Array(5000))).rejects.toMatchObject({ code: 'MESSAGE_TOO_BIG' });
    await session.publish('chart', new Uint8Array(100));
    expect(log.types()).not.toContain('closed');
  });

  it("respects the broker's Receive Maximum: at most 2 unacknowledged publishes", async () => {
    const { session, log } = connect();
    await log.next('up');
    const stats = () => (session as MqttSession).stats;
    expect(stats().limits.receiveMaximum).toBe(2);
    const all = Array.from({ length: 10 }, (_, i) => session.publish('chart', new Uint8Array([i])));
    expect(stats().inflight).toBeLessThanOrEqual(2);
    expect(stats().queued).toBeGreaterThanOrEqual(8);
    await Promise.all(all);
    expect(stats()).toMatchObject({ inflight: 0, queued: 0 });
    expect(log.types()).not.toContain('closed');
  });

  it('a DisconnectReq published to the node becomes a disconnect-req event', async () => {
    const { log } = connect();
    await log.next('up');
    await watcher.publishAsync(`/agent/${CLAIM_ID}/inbound/v2/DisconnectReq`, Buffer.from([0x08]), { qos: 1 });
    await watcher.publishAsync(`/agent/${CLAIM_ID}/inbound/v2/DisconnectReq`, Buffer.from(encodeDisconnectReq({ reconnectAfterSeconds: 5, permaban: true })), { qos: 1 });
    expect(await log.next('disconnect-req')).toEqual({ type: 'disconnect-req', reconnectAfterSeconds: 5, permaban: true });
    expect(log.types()).not.toContain('closed');
  });

  it('graceful close: reachable=false then DISCONNECT, no Last Will', async () => {
    const { session, log, sessionId } = connect();
    await log.next('up');
    await log.next('puback');
    await session.close({ graceful: true });
    expect(await log.next('closed')).toMatchObject({ code: 'CLOSED_BY_CLIENT' });
    const mine = () => seen.filter((s) => s.topic === connTopic && decodeUpdateAgentConnection(s.payload).sessionId === sessionId).map((s) => decodeUpdateAgentConnection(s.payload));
    await waitSeen((s) => s.topic === connTopic && decodeUpdateAgentConnection(s.payload).sessionId === sessionId && !decodeUpdateAgentConnection(s.payload).reachable);
    await new Promise((r) => setTimeout(r, 200));
    expect(mine().map((m) => [m.reachable, m.updateSource])).toEqual([[true, 'agent'], [false, 'agent']]);
  });

  it('wrong password: CONNACK_REFUSED with the reason', async () => {
    const { log } = connect({ credentials: credentials('node', 'not-the-password') });
    const closed = await log.next('closed');
    expect(closed.code).toBe('CONNACK_REFUSED');
    expect(closed.message).toMatch(/reason code 13[45]/);
    expect(closed.message).not.toContain('not-the-password');
  });

  it('MQTT 3.1.1 when mqttVersion is 4 (Last Will at QoS 1)', async () => {
    const { log, sockets, sessionId } = connect({ mqttVersion: 4 });
    expect(await log.next('up')).toEqual({ type: 'up', mqttVersion: 4 });
    for (const s of sockets) (s as net.Socket).destroy();
    const will = await waitSeen((s) => s.topic === connTopic && decodeUpdateAgentConnection(s.payload).sessionId === sessionId && decodeUpdateAgentConnection(s.payload).updateSource === 'lwt');
    expect(will.qos).toBe(1);
  });
});
