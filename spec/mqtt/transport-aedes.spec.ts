/**
 * The real MQTT transport against a real broker on loopback over WSS with TLS: aedes (MQTT 3.1.1).
 * MQTT 5 specifics run against mosquitto in transport-mosquitto.spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportParams } from '../../effects/ports.js';
import { decodeUpdateAgentConnection, encodeDisconnectReq, formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { createCmdRelay, createMqttTransport, type MqttSession, type MqttTransportOptions } from '../../adapters/mqtt/index.js';
import { startAedesBroker, type AedesTestBroker } from './support/aedes-broker.js';
import { CLAIM_ID, EventLog, clock, credentials, recordingLogger, topicsFor } from './support/harness.js';

const topics = topicsFor(CLAIM_ID);
let broker: AedesTestBroker;
const open: { close(o: { graceful: boolean }): Promise<void> }[] = [];

beforeEach(async () => {
  broker = await startAedesBroker();
  broker.users.set('node', 's3cret-pass');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close({ graceful: false })));
  await broker.close();
});

function connect(overrides: Partial<TransportParams> = {}, options: Partial<MqttTransportOptions> = {}) {
  const logger = recordingLogger();
  const transport = createMqttTransport({ tls: { ca: broker.caPem, insecure: false }, clock, logger, ...options });
  const session = transport.connect({
    endpoint: broker.endpoint, mqttVersion: 4, claimId: CLAIM_ID, credentials: credentials('node', 's3cret-pass'),
    sessionId: 1_700_000_000_000_000, ...overrides,
  });
  open.push(session);
  return { session, log: new EventLog(session), logger };
}

describe('MQTT transport (aedes, MQTT 3.1.1)', () => {
  it('connects, subscribes and announces UpdateAgentConnection(reachable=true)', async () => {
    const { log } = connect();
    expect(log.events).toEqual([]);
    expect(await log.next('up')).toEqual({ type: 'up', mqttVersion: 4 });
    const announced = await broker.waitFor(topics['agent-connection'] ?? '');
    expect(announced.qos).toBe(1);
    const m = decodeUpdateAgentConnection(announced.payload);
    expect(m).toMatchObject({ claimId: CLAIM_ID, reachable: true, updateSource: 'agent', sessionId: 1_700_000_000_000_000 });
    expect(m.capabilities.length).toBeGreaterThan(0);
    await log.next('puback');
  });

  it('publish resolves on PUBACK and emits puback', async () => {
    const { session, log } = connect();
    await log.next('up');
    await log.next('puback');
    await session.publish('chart', new Uint8Array([1, 2, 3]));
    const d = await broker.waitFor(topics.chart ?? '');
    expect([...d.payload]).toEqual([1, 2, 3]);
    await log.next('puback');
  });

  it('rejects an unknown topic name with TOPIC_UNKNOWN, and publishes after close with SOCKET_CLOSED', async () => {
    const { session, log } = connect();
    await log.next('up');
    await expect(session.publish('nope', new Uint8Array(1))).rejects.toMatchObject({ code: 'TOPIC_UNKNOWN' });
    await session.close({ graceful: false });
    await expect(session.publish('chart', new Uint8Array(1))).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
  });

  it('the broker sends the Last Will when the socket is cut; pending publishes reject', async () => {
    const { session, log } = connect();
    await log.next('up');
    await broker.waitFor(topics['agent-connection'] ?? '');
    broker.freezeAll();
    const pending = session.publish('chart', new Uint8Array([9]));
    broker.cutAll();
    const will = await broker.waitFor(topics['agent-connection'] ?? '', (d) => decodeUpdateAgentConnection(d.payload).updateSource === 'lwt');
    expect(will.retain).toBe(false);
    expect(decodeUpdateAgentConnection(will.payload)).toMatchObject({ claimId: CLAIM_ID, reachable: false, sessionId: 1_700_000_000_000_000 });
    expect(await log.next('closed')).toMatchObject({ code: 'SOCKET_CLOSED' });
    await expect(pending).rejects.toMatchObject({ code: 'SOCKET_CLOSED' });
    expect(log.completed).toBe(true);
  });

  it('a DisconnectReq becomes a disconnect-req event; a malformed one is dropped and the session stays', async () => {
    const { session, log, logger } = connect();
    await log.next('up');
    await broker.publish(`/agent/${CLAIM_ID}/inbound/v2/DisconnectReq`, new Uint8Array([0xff, 0xff]));
    await broker.publish(`/agent/${CLAIM_ID}/inbound/v2/DisconnectReq`, encodeDisconnectReq({ reconnectAfterSeconds: 42, permaban: false }));
    expect(await log.next('disconnect-req')).toEqual({ type: 'disconnect-req', reconnectAfterSeconds: 42, permaban: false });
    expect(logger.lines.some((l) => l.message === 'malformed DisconnectReq dropped')).toBe(true);
    await session.publish('chart', new Uint8Array([1]));
    expect(log.types()).not.toContain('closed');
  });

  it('other inbound types become message events with raw bytes', async () => {
    const { log } = connect();
    await log.next('up');
    await broker.publish(`/agent/${CLAIM_ID}/inbound/v2/cmd`, new Uint8Array([7, 8]));
    const m = await log.next('message');
    expect(m).toMatchObject({ messageType: 'cmd', topic: `/agent/${CLAIM_ID}/inbound/v2/cmd` });
    expect([...m.payload]).toEqual([7, 8]);
  });

  it('a cmd round trip: message event -> cmd relay -> reply on the callback topic', async () => {
    const { session, log, logger } = connect();
    await log.next('up');
    const relay = createCmdRelay({
      handler: async (req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: `you asked ${req.path}` }),
      publish: (topic, payload) => (session as MqttSession).publishRaw(topic, payload),
      clock, logger,
    });
    session.events.subscribe({ next: (e) => { if (e.type === 'message' && e.messageType === 'cmd') relay.onCmd(e.payload); } });
    const callback = `/agent/${CLAIM_ID}/outbound/v1/cmd-reply`;
    await broker.publish(`/agent/${CLAIM_ID}/inbound/v2/cmd`, formatCmdRequest({ msgId: 'q1', callbackTopic: callback, method: 'GET', path: '/api/v1/info' }));
    const reply = parseCmdReply((await broker.waitFor(callback)).payload);
    expect(reply.header['msg-id']).toBe('q1');
    expect(reply.status).toBe(200);
    expect(new TextDecoder().decode(reply.body)).toBe('you asked /api/v1/info');
    relay.close();
  });

  it('graceful close sends reachable=false, then DISCONNECT (no Last Will), and completes', async () => {
    const { session, log } = connect();
    await log.next('up');
    await log.next('puback');
    const disconnected = new Promise<void>((resolve) => broker.onClientDisconnect(resolve));
    await session.close({ graceful: true });
    const bye = broker.seen.filter((d) => d.topic === topics['agent-connection']).map((d) => decodeUpdateAgentConnection(d.payload));
    expect(bye.map((m) => [m.reachable, m.updateSource])).toEqual([[true, 'agent'], [false, 'agent']]);
    await disconnected;
    expect(broker.closeCodes).toEqual([1000]);
    expect(await log.next('closed')).toMatchObject({ code: 'CLOSED_BY_CLIENT' });
    expect(log.completed).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(broker.seen.some((d) => d.topic === topics['agent-connection'] && decodeUpdateAgentConnection(d.payload).updateSource === 'lwt')).toBe(false);
    await session.close({ graceful: true });
  });

  it('graceful close gives up waiting for the PUBACK after its budget; close is idempotent', async () => {
    const { session, log } = connect({}, { gracefulPubackMs: 200, closeTimeoutMs: 200 });
    await log.next('up');
    await log.next('puback');
    broker.freezeAll();
    const started = Date.now();
    const first = session.close({ graceful: true });
    const second = session.close({ graceful: true });
    await Promise.all([first, second]);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(log.types().filter((t) => t === 'closed')).toHaveLength(1);
    expect(log.events.at(-1)).toMatchObject({ type: 'closed', code: 'CLOSED_BY_CLIENT' });
  });

  it('a forced close cuts a graceful close short', async () => {
    const { session, log } = connect({}, { gracefulPubackMs: 10_000, closeTimeoutMs: 10_000 });
    await log.next('up');
    await log.next('puback');
    broker.freezeAll();
    const graceful = session.close({ graceful: true });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await session.close({ graceful: false });
    await graceful;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('wrong password: CONNACK_REFUSED, without the password in the message', async () => {
    const { log } = connect({ credentials: credentials('node', 'wrong-pass') });
    const closed = await log.next('closed');
    expect(closed.code).toBe('CONNACK_REFUSED');
    expect(closed.message).toMatch(/return code 4/);
    expect(closed.message).not.toContain('wrong-pass');
    expect(log.types()).toEqual(['closed']);
  });

  it('404 on the upgrade: WS_UPGRADE_FAILED', async () => {
    const { log } = connect({ endpoint: `${broker.endpoint}/elsewhere` });
    const closed = await log.next('closed');
    expect(closed.code).toBe('WS_UPGRADE_FAILED');
    expect(closed.message).toContain('404');
  });

  it('an untrusted certificate: TLS_VERIFY_FAILED; insecure connects and warns', async () => {
    const strict = connect({}, { tls: { insecure: false } });
    expect((await strict.log.next('closed')).code).toBe('TLS_VERIFY_FAILED');
    const loose = connect({}, { tls: { insecure: true } });
    await loose.log.next('up');
    expect(loose.logger.lines.some((l) => l.level === 'warn' && /insecure/.test(l.message))).toBe(true);
  });

  it('connection refused: CONNECT_REFUSED', async () => {
    const port = broker.port;
    await broker.close();
    broker = await startAedesBroker();
    const { log } = connect({ endpoint: `wss://127.0.0.1:${port}` });
    expect((await log.next('closed')).code).toBe('CONNECT_REFUSED');
  });

  it('a broker that stops answering: ping-timeout, then closed', async () => {
    const { log } = connect({}, { pingIntervalMs: 200, pingTimeoutMs: 300 });
    await log.next('up');
    await log.next('puback');
    broker.freezeAll();
    await log.next('ping-timeout');
    expect(await log.next('closed')).toMatchObject({ code: 'PING_TIMEOUT' });
  });

  it('pings keep an idle session alive', async () => {
    const { log } = connect({}, { pingIntervalMs: 100, pingTimeoutMs: 300 });
    await log.next('up');
    await new Promise((r) => setTimeout(r, 800));
    expect(log.types()).not.toContain('ping-timeout');
    expect(log.types()).not.toContain('closed');
  });

  it('force close while connecting resolves and reports CLOSED_BY_CLIENT', async () => {
    const { session, log } = connect();
    await session.close({ graceful: false });
    expect(log.types()).toEqual(['closed']);
    expect(log.events[0]).toMatchObject({ code: 'CLOSED_BY_CLIENT' });
  });

  it('an invalid endpoint is reported asynchronously', async () => {
    const { log } = connect({ endpoint: 'ws://plain:80' });
    expect(log.events).toEqual([]);
    expect((await log.next('closed')).code).toBe('ENDPOINT_INVALID');
  });
});
