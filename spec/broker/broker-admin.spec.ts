/** Both brokers: the admin API's disconnect, cmd, outage and messages, against a bare mqtt.js agent. */
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { decodeDisconnectReq, encodeUpdateAgentConnection, parseCmdRequest } from '../../adapters/messages/index.js';
import type { BrokerKind } from '../../devcloud/broker/types.js';
import type { DevCloud } from '../../devcloud/index.js';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { connectAgent, endAgents, issueCredentials, mosquittoAvailable, nextMessage, waitFor } from './support.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const withMosquitto = await mosquittoAvailable();
const kinds: BrokerKind[] = withMosquitto ? ['aedes', 'mosquitto'] : ['aedes'];

interface Node {
  readonly cloud: DevCloud;
  readonly claimId: string;
  readonly cloudDir: string;
  /** Runs the password flow and connects (subscribed to inbox-cmd). */
  connect(): Promise<MqttClient>;
}

async function nodeOn(kind: BrokerKind): Promise<Node> {
  const { cloud } = await startTestCloud({ broker: kind });
  const { claimId, cloudDir } = await claimTestNode(cloud);
  return {
    cloud,
    claimId,
    cloudDir,
    async connect() {
      const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
      const transport = env.transports[0];
      if (transport === undefined) throw new Error('no transport');
      const agent = await connectAgent(cloud, transport.endpoint, credentials, transport.type as 'MQTTv5' | 'MQTTv3');
      await agent.subscribeAsync(credentials.topics['inbox-cmd'] ?? '', { qos: 1 });
      await waitFor('the node to show connected', () => cloud.broker.connectedNodes().includes(claimId));
      return agent;
    },
  };
}

/** A reply in the documented cmd format, made by hand: JSON header, CRLFCRLF, raw HTTP response. */
function handMadeReply(msgId: string, status: number, body: string): Buffer {
  const now = Date.now();
  const header = {
    type: 'http', 'msg-id': msgId, timestamp: Math.floor(now / 1000), 'timestamp-offset-usec': (now % 1000) * 1000,
    connect: Math.floor(now / 1000), 'connect-offset-usec': 0, version: 2, 't-exec': now * 1000, 't-rx': now * 1000, 'http-code': status,
  };
  const http = `HTTP/1.1 ${status} OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return Buffer.from(`${JSON.stringify(header)}\r\n\r\n${http}`, 'utf8');
}

describe.each(kinds)('broker %s: admin API', (kind) => {
  it('disconnect: the node receives a DisconnectReq on its inbound topic', async () => {
    const node = await nodeOn(kind);
    const agent = await node.connect();
    const arrived = nextMessage(agent, (t) => t.endsWith('/DisconnectReq'));
    const answer = await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/disconnect`, { body: { reconnectAfterSeconds: 30, permaban: false } });
    expect(answer).toMatchObject({ status: 200, json: { topic: `/agent/${node.claimId}/inbound/v2/DisconnectReq`, connected: true } });
    const { topic, payload } = await arrived;
    expect(topic).toBe(`/agent/${node.claimId}/inbound/v2/DisconnectReq`);
    expect(decodeDisconnectReq(payload)).toMatchObject({ reconnectAfterSeconds: 30, permaban: false });

    expect((await cloudRequest(node.cloud, 'POST', '/admin/nodes/not-a-node/disconnect', { body: {} })).status).toBe(404);
    expect((await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/disconnect`, { body: { permaban: 'yes' } })).status).toBe(400);
    expect((await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/disconnect`, { body: {}, token: 'wrong' })).status).toBe(401);
  });

  it('cmd: the request reaches the node and its reply is the answer; no reply is a 504', async () => {
    const node = await nodeOn(kind);
    const agent = await node.connect();
    agent.on('message', (topic, payload) => {
      if (!topic.endsWith('/inbound/v2/cmd')) return;
      const request = parseCmdRequest(payload);
      if (request.path === '/api/v1/silent') return;
      expect(request.callbackTopic).toBe(`/agent/${node.claimId}/outbound/v1/cmd-reply`);
      const body = JSON.stringify({ method: request.method, path: request.path, got: Buffer.from(request.body).toString('utf8') });
      void agent.publishAsync(request.callbackTopic, handMadeReply(request.msgId, 200, body), { qos: 1 });
    });
    const answer = await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/cmd`, { body: { method: 'POST', path: '/api/v1/info', body: 'héllo' } });
    expect(answer.status).toBe(200);
    const json = answer.json as { status: number; headers: Record<string, string>; body: string; header: Record<string, unknown> };
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual({ method: 'POST', path: '/api/v1/info', got: 'héllo' });
    expect(json.header).toMatchObject({ type: 'http', version: 2, 'http-code': 200 });

    const silent = await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/cmd`, { body: { path: '/api/v1/silent', timeoutMs: 300 } });
    expect(silent).toMatchObject({ status: 504, json: { errorMsgKey: 'ErrCmdTimeout' } });
    expect((await cloudRequest(node.cloud, 'POST', `/admin/nodes/${node.claimId}/cmd`, { body: { path: 'no-slash' } })).status).toBe(400);
  });

  it('outage: drops the node, refuses it and answers env 503 for N seconds, then accepts it', async () => {
    const node = await nodeOn(kind);
    const agent = await node.connect();
    const spare = await issueCredentials(node.cloud, node.claimId, node.cloudDir);
    const transport = spare.env.transports[0];
    if (transport === undefined) throw new Error('no transport');
    const closed = new Promise<void>((resolve) => agent.once('close', () => resolve()));

    const started = await cloudRequest(node.cloud, 'POST', '/admin/outage', { body: { seconds: 2 } });
    expect(started).toMatchObject({ status: 200, json: { active: true } });
    await closed;
    await waitFor('the node to show disconnected', () => !node.cloud.broker.connectedNodes().includes(node.claimId));
    expect((await cloudRequest(node.cloud, 'GET', '/admin/outage')).json).toMatchObject({ active: true });
    const env = await cloudRequest(node.cloud, 'GET', `/api/v1/env?v=1&cap=proto&claim_id=${node.claimId}`, { token: null });
    expect(env).toMatchObject({ status: 503, json: { errorMsgKey: 'ErrServiceUnavailable' } });
    const version = transport.type as 'MQTTv5' | 'MQTTv3';
    await expect(connectAgent(node.cloud, transport.endpoint, spare.credentials, version)).rejects.toThrow();

    await waitFor('the outage to end', async () => ((await cloudRequest(node.cloud, 'GET', '/admin/outage')).json as { active: boolean }).active === false, 5_000);
    await connectAgent(node.cloud, transport.endpoint, spare.credentials, version);
    await waitFor('the node to show connected', () => node.cloud.broker.connectedNodes().includes(node.claimId));
    expect((await cloudRequest(node.cloud, 'GET', `/api/v1/env?v=1&cap=proto&claim_id=${node.claimId}`, { token: null })).status).toBe(200);
  });

  it('messages: lists what the node published, with UpdateAgentConnection decoded', async () => {
    const node = await nodeOn(kind);
    const agent = await node.connect();
    const update = encodeUpdateAgentConnection({ claimId: node.claimId, reachable: true, sessionId: 1_700_000_000_000_000, updateSource: 'agent', updatedAtMs: 1_700_000_000_000 });
    await agent.publishAsync(`/agent/${node.claimId}/outbound/v1/connection`, Buffer.from(update), { qos: 1 });
    await agent.publishAsync(`/agent/${node.claimId}/outbound/v1/chart`, 'x'.repeat(10), { qos: 1 });
    const list = async () => ((await cloudRequest(node.cloud, 'GET', `/admin/messages?node=${node.claimId}`)).json as { messages: Record<string, unknown>[] }).messages;
    await waitFor('both messages', async () => (await list()).length === 2);
    const [connection, chart] = await list();
    expect(connection).toMatchObject({ claimId: node.claimId, messageType: 'connection', size: update.length, connection: { claimId: node.claimId, reachable: true, updateSource: 'agent', updatedAtMs: 1_700_000_000_000 } });
    expect(chart).toMatchObject({ topic: `/agent/${node.claimId}/outbound/v1/chart`, messageType: 'chart', size: 10 });
    expect(((await cloudRequest(node.cloud, 'GET', '/admin/messages?node=someone-else')).json as { messages: unknown[] }).messages).toEqual([]);
  });
});
