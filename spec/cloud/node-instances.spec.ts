/**
 * Node instances in the dev cloud (PROTOCOL.md section 8), with both brokers and an mqtt.js client as
 * the agent: CreateNodeInstance answered with CreateNodeInstanceResult and a stable node id per (claim
 * id, machine GUID), kept across a restart; liveness from UpdateNodeInstanceConnection and from the
 * agent's Last Will; the latest UpdateNodeInfo shown; SendNodeInstances sent on request.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeCreateNodeInstanceResult,
  decodeSendNodeInstances,
  encodeCreateNodeInstance,
  encodeUpdateAgentConnection,
  encodeUpdateNodeInfo,
  encodeUpdateNodeInstanceConnection,
} from '../../adapters/messages/index.js';
import type { BrokerKind } from '../../devcloud/broker/types.js';
import type { DevCloud, NodeView } from '../../devcloud/index.js';
import { endAgents, mosquittoAvailable, waitFor } from '../broker/support.js';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { fakeAgent, type FakeAgent } from './node-agent.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const kinds: BrokerKind[] = (await mosquittoAvailable()) ? ['aedes', 'mosquitto'] : ['aedes'];

async function create(agent: FakeAgent, claimId: string, machineGuid: string, hostname = 'node-a'): Promise<{ nodeId: string; machineGuid: string }> {
  const answer = agent.next('CreateNodeInstanceResult');
  await agent.publish('create-node-instance', encodeCreateNodeInstance({ claimId, machineGuid, hostname, hops: 0 }));
  return decodeCreateNodeInstanceResult(await answer);
}

async function nodesOf(cloud: DevCloud): Promise<NodeView[]> {
  const answer = await cloudRequest(cloud, 'GET', '/admin/node-instances');
  expect(answer.status).toBe(200);
  return (answer.json as { nodes: NodeView[] }).nodes;
}

const nodeById = async (cloud: DevCloud, nodeId: string): Promise<NodeView | undefined> => (await nodesOf(cloud)).find((n) => n.nodeId === nodeId);

describe.each(kinds)('broker %s: node instances', (kind) => {
  it('answers CreateNodeInstance with one stable node id per (claim id, machine GUID), also after a restart', async () => {
    const { cloud, stateDir } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir);
    const guid = randomUUID();
    const first = await create(agent, claimId, guid);
    expect(first.machineGuid).toBe(guid);
    expect(first.nodeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await create(agent, claimId, guid)).toEqual(first);
    const other = await create(agent, claimId, randomUUID(), 'child-b');
    expect(other.nodeId).not.toBe(first.nodeId);
    expect(await nodesOf(cloud)).toEqual(expect.arrayContaining([
      expect.objectContaining({ nodeId: first.nodeId, machineGuid: guid, claimId, hostname: 'node-a', live: false }),
      expect.objectContaining({ nodeId: other.nodeId, hostname: 'child-b' }),
    ]));

    await agent.client.endAsync();
    await cloud.close();
    const { cloud: again } = await startTestCloud({ broker: kind, stateDir });
    const back = await fakeAgent(again, claimId, cloudDir);
    expect(await create(back, claimId, guid)).toEqual(first);
    expect((await nodesOf(again)).filter((n) => n.nodeId !== null)).toHaveLength(2);
  });

  it('liveness: live from UpdateNodeInstanceConnection, offline when the node says so and when the agent\'s Last Will arrives', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir);
    await agent.online();
    const { nodeId } = await create(agent, claimId, randomUUID());
    const connection = (liveness: boolean) => encodeUpdateNodeInstanceConnection({
      claimId, nodeId, liveness, queryable: true, sessionId: agent.sessionId, updatedAtMs: Date.now(), hops: 0,
    });
    await agent.publish('node-instance-connection', connection(true));
    await waitFor('live', async () => (await nodeById(cloud, nodeId))?.live === true);
    expect(await nodeById(cloud, nodeId)).toMatchObject({ live: true, queryable: true, hops: 0, connected: true });
    await agent.publish('node-instance-connection', connection(false));
    await waitFor('offline', async () => (await nodeById(cloud, nodeId))?.live === false);
    await agent.publish('node-instance-connection', connection(true));
    await waitFor('live again', async () => (await nodeById(cloud, nodeId))?.live === true);

    // The connection drops without a DISCONNECT: the broker publishes the Last Will.
    agent.client.stream.destroy();
    await waitFor('the Last Will to make the node offline', async () => (await nodeById(cloud, nodeId))?.live === false, 10_000);
    const messages = (await cloudRequest(cloud, 'GET', `/admin/messages?node=${claimId}`)).json as { messages: { connection?: { updateSource?: string } }[] };
    expect(messages.messages.some((m) => m.connection?.updateSource === 'lwt')).toBe(true);
  });

  it('a reachable=false of an older session does not take the current one down', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir, 2_000_000);
    await agent.online();
    const { nodeId } = await create(agent, claimId, randomUUID());
    await agent.publish('node-instance-connection', encodeUpdateNodeInstanceConnection({ claimId, nodeId, liveness: true, queryable: true, sessionId: 2_000_000, updatedAtMs: Date.now(), hops: 0 }));
    await waitFor('live', async () => (await nodeById(cloud, nodeId))?.live === true);
    await agent.publish('agent-connection', encodeUpdateAgentConnection({ claimId, reachable: false, sessionId: 1_000_000, updateSource: 'lwt', updatedAtMs: Date.now() }));
    await agent.publish('agent-connection', encodeUpdateAgentConnection({ claimId, reachable: true, sessionId: 2_000_000, updateSource: 'agent', updatedAtMs: Date.now() }));
    await new Promise((r) => setTimeout(r, 200));
    expect((await nodeById(cloud, nodeId))?.live).toBe(true);
    await agent.publish('agent-connection', encodeUpdateAgentConnection({ claimId, reachable: false, sessionId: 2_000_000, updateSource: 'agent', updatedAtMs: Date.now() }));
    await waitFor('offline after the graceful goodbye', async () => (await nodeById(cloud, nodeId))?.live === false);
  });

  it('keeps the latest UpdateNodeInfo (hostname, OS, agent version) and sends SendNodeInstances on request', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir);
    const machineGuid = randomUUID();
    const { nodeId } = await create(agent, claimId, machineGuid);
    const info = (version: string) => encodeUpdateNodeInfo({
      claimId, nodeId, child: false, updatedAtMs: Date.now(), machineGuid,
      info: { name: 'renamed-host', version, os: 'linux', osName: 'Debian GNU/Linux', osVersion: '12', machineGuid },
    });
    await agent.publish('node-instance-info', info('v2.5.0'));
    await agent.publish('node-instance-info', info('v2.6.0'));
    await waitFor('the info', async () => (await nodeById(cloud, nodeId))?.agentVersion === 'v2.6.0');
    expect(await nodeById(cloud, nodeId)).toMatchObject({ hostname: 'renamed-host', os: 'Debian GNU/Linux 12', agentVersion: 'v2.6.0', child: false, machineGuid });

    const request = agent.next('SendNodeInstances');
    const sent = await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/send-node-instances`);
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ topic: `/agent/${claimId}/inbound/v2/SendNodeInstances`, connected: true });
    expect(decodeSendNodeInstances(await request)).toMatchObject({ claimId });
    expect((await cloudRequest(cloud, 'POST', '/admin/nodes/nobody/send-node-instances')).status).toBe(404);
  });

  it('ignores updates for a node id the agent was not given', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir);
    await agent.online();
    const stranger = randomUUID();
    await agent.publish('node-instance-connection', encodeUpdateNodeInstanceConnection({ claimId, nodeId: stranger, liveness: true, queryable: true, sessionId: agent.sessionId, updatedAtMs: Date.now(), hops: 0 }));
    await waitFor('the message to be logged', async () => ((await cloudRequest(cloud, 'GET', '/admin/messages')).json as { messages: unknown[] }).messages.length >= 2);
    const nodes = await nodesOf(cloud);
    expect(nodes.map((n) => n.nodeId)).toEqual([null]);
    expect(nodes[0]).toMatchObject({ claimId, hostname: 'test-host', connected: true, live: false });
  });
});
