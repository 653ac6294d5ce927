/** Both brokers: the env offer, CONNECT with issued credentials (single use), ACLs, nodes connected. */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../../devcloud/broker/types.js';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { connectAgent, endAgents, issueCredentials, mosquittoAvailable, waitFor } from './support.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const withMosquitto = await mosquittoAvailable();
const kinds: BrokerKind[] = withMosquitto ? ['aedes', 'mosquitto'] : ['aedes'];

describe.each(kinds)('broker %s: authentication and ACLs', (kind) => {
  const expectedVersions = kind === 'aedes' ? ['MQTTv3'] : ['MQTTv5', 'MQTTv3'];

  it('offers its MQTT versions in env and accepts the issued credentials once', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    expect(cloud.broker.kind).toBe(kind);
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    expect(env.transports.map((t) => t.type)).toEqual(expectedVersions);
    const transport = env.transports[0];
    if (transport === undefined) throw new Error('no transport');
    if (kind === 'aedes') expect(transport.endpoint).toBe(`${cloud.url.replace('https:', 'wss:')}/mqtt`);
    expect(credentials.topics['inbox-cmd']).toBe(`/agent/${claimId}/inbound/v2/#`);

    const agent = await connectAgent(cloud, transport.endpoint, credentials, transport.type as 'MQTTv5' | 'MQTTv3');
    await waitFor('the node to show connected', () => cloud.broker.connectedNodes().includes(claimId));
    const nodes = await cloudRequest(cloud, 'GET', '/admin/nodes');
    expect(nodes.json).toMatchObject({ nodes: [{ claimId, connected: true }] });

    await agent.endAsync();
    await waitFor('the node to show disconnected', () => !cloud.broker.connectedNodes().includes(claimId));
    expect((await cloudRequest(cloud, 'GET', '/admin/nodes')).json).toMatchObject({ nodes: [{ claimId, connected: false }] });
    // Single use: the same credentials are refused now.
    await expect(connectAgent(cloud, transport.endpoint, credentials, transport.type as 'MQTTv5' | 'MQTTv3')).rejects.toThrow();
  });

  it('refuses a wrong password, a wrong client id and unknown users', async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    const transport = env.transports[0];
    if (transport === undefined) throw new Error('no transport');
    const version = transport.type as 'MQTTv5' | 'MQTTv3';
    await expect(connectAgent(cloud, transport.endpoint, { ...credentials, password: 'wrong' }, version)).rejects.toThrow();
    await expect(connectAgent(cloud, transport.endpoint, { ...credentials, username: 'nobody' }, version)).rejects.toThrow();
    await expect(connectAgent(cloud, transport.endpoint, { ...credentials, clientId: 'someone-else' }, version)).rejects.toThrow();
    expect(cloud.broker.connectedNodes()).toEqual([]);
    // The right ones still work after the failures.
    await connectAgent(cloud, transport.endpoint, credentials, version);
    await waitFor('the node to show connected', () => cloud.broker.connectedNodes().includes(claimId));
  });

  it("keeps a node out of another node's topics", async () => {
    const { cloud } = await startTestCloud({ broker: kind });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { claimId: otherId } = await claimTestNode(cloud);
    const seen: string[] = [];
    cloud.broker.onAgentMessage((id, topic) => seen.push(`${id} ${topic}`));
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    const transport = env.transports[0];
    if (transport === undefined) throw new Error('no transport');
    const agent = await connectAgent(cloud, transport.endpoint, credentials, transport.type as 'MQTTv5' | 'MQTTv3');

    const granted = async (filter: string): Promise<number | undefined> => {
      const result = await agent.subscribeAsync(filter, { qos: 1 }).catch((e: { packet?: { granted?: number[] } }) => e.packet?.granted?.map((qos) => ({ qos })) ?? []);
      return result[0]?.qos;
    };
    expect(await granted(credentials.topics['inbox-cmd'] ?? '')).toBe(1);
    expect(await granted(`/agent/${otherId}/inbound/#`)).toBeGreaterThanOrEqual(128);
    expect(await granted('/agent/+/inbound/#')).toBeGreaterThanOrEqual(128);
    expect(await granted(`/agent/${claimId}/outbound/#`)).toBeGreaterThanOrEqual(128);

    await agent.publishAsync(`/agent/${claimId}/outbound/v1/chart`, 'mine', { qos: 1 });
    await waitFor('its own message', () => seen.includes(`${claimId} /agent/${claimId}/outbound/v1/chart`));
    // aedes (MQTT 3.1.1) closes the connection; mosquitto answers PUBACK "not authorized" (MQTT 5).
    const denied = async (topic: string): Promise<string> => {
      if (!agent.connected) return 'closed';
      const closed = new Promise<string>((resolve) => agent.once('close', () => resolve('closed')));
      const published = agent.publishAsync(topic, 'not mine', { qos: 1 }).then(() => 'acked', () => 'refused');
      return Promise.race([closed, published]);
    };
    expect(await denied(`/agent/${otherId}/outbound/v1/chart`)).toBe(kind === 'aedes' ? 'closed' : 'refused');
    expect(await denied(`/agent/${claimId}/inbound/v2/cmd`)).toBe(kind === 'aedes' ? 'closed' : 'refused');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([`${claimId} /agent/${claimId}/outbound/v1/chart`]);
  });
});
