/**
 * What a Netdata agent v2 needs from the password step, the ACL, env and the broker (issue 12): all 20
 * compulsory topic names plus the manifest, each with `#{claim_id}`; the agent's topics allowed and
 * nothing else; env offering MQTTv5 first (https endpoint) with mosquitto and only MQTTv3 with aedes;
 * mosquitto accepting more topic aliases than the 10 it allows by default.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fileChallengeDecryptor } from '../../adapters/identity/index.js';
import { cmdReplyTopic, mayPublish, maySubscribe } from '../../devcloud/broker/topics.js';
import { COMPULSORY_TOPIC_NAMES, DEFAULT_TOPICS, type DevCloud } from '../../devcloud/index.js';
import { concreteTopic } from '../../devcloud/password-topics.js';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { connectAgent, endAgents, issueCredentials, mosquittoAvailable } from './support.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const withMosquitto = await mosquittoAvailable();

/** The promise, or a failure after `ms` (a refused alias leaves mqtt.js waiting for a PUBACK that never comes). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no PUBACK within ${ms} ms`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The password step by hand, to see the answer as it is on the wire. */
async function rawPassword(cloud: DevCloud, claimId: string, cloudDir: string): Promise<{ topics: { name: string; topic: string }[] }> {
  const challenge = await cloudRequest(cloud, 'GET', `/api/v1/auth/node/${claimId}/challenge`, { token: null });
  const bytes = Buffer.from((challenge.json as { challenge: string }).challenge, 'base64');
  const response = Buffer.from(await fileChallengeDecryptor(cloudDir).decrypt(bytes)).toString('base64');
  const answer = await cloudRequest(cloud, 'POST', `/api/v1/auth/node/${claimId}/password`, { token: null, body: { agent_version: 'v2.6.0', response } });
  expect(answer.status).toBe(201);
  return answer.json as { topics: { name: string; topic: string }[] };
}

describe('the password answer and the ACL', () => {
  it('lists the 20 compulsory names of the agent plus node-instance-manifest, each with #{claim_id}', async () => {
    const { cloud } = await startTestCloud({ broker: 'none' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { topics } = await rawPassword(cloud, claimId, cloudDir);
    expect(COMPULSORY_TOPIC_NAMES).toHaveLength(20);
    const names = topics.map((t) => t.name);
    for (const name of [...COMPULSORY_TOPIC_NAMES, 'node-instance-manifest']) expect(names, name).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(21);
    for (const t of topics) expect(t.topic, t.name).toContain('#{claim_id}');
    // Outbound: one topic per name; inbound: the two filters the agent subscribes to.
    const byName = Object.fromEntries(topics.map((t) => [t.name, t.topic]));
    expect(byName['create-node-instance']).toBe('/agent/#{claim_id}/outbound/v1/create-node-instance');
    expect(byName['node-instance-info']).toBe('/agent/#{claim_id}/outbound/v1/node-instance-info');
    expect(byName['agent-connection']).toBe('/agent/#{claim_id}/outbound/v1/connection');
    expect(byName['inbox-cmd']).toBe('/agent/#{claim_id}/inbound/v2/#');
    expect(byName['inbox-cmd-v1']).toBe('/agent/#{claim_id}/inbound/v1/#');
    expect(new Set(topics.map((t) => t.topic)).size).toBe(21);
  });

  it('lets a node publish on every listed outbound topic and the cmd callback, subscribe to its inbox filters, and nothing else', () => {
    const claimId = '11111111-2222-3333-4444-555555555555';
    for (const spec of DEFAULT_TOPICS) {
      const topic = concreteTopic(spec, claimId);
      if (spec.name.startsWith('inbox-cmd')) {
        expect(maySubscribe(claimId, topic), spec.name).toBe(true);
        expect(mayPublish(claimId, topic), spec.name).toBe(false);
      } else {
        expect(mayPublish(claimId, topic), spec.name).toBe(true);
        expect(mayPublish('99999999-2222-3333-4444-555555555555', topic), spec.name).toBe(false);
      }
    }
    expect(mayPublish(claimId, cmdReplyTopic(claimId))).toBe(true);
    expect(mayPublish(claimId, `/agent/${claimId}/outbound/v1/a/b`)).toBe(false);
    expect(mayPublish(claimId, `/agent/${claimId}/outbound/v2/chart`)).toBe(false);
    expect(mayPublish(claimId, `/agent/${claimId}/outbound/v1/`)).toBe(false);
    expect(mayPublish(claimId, `/agent/${claimId}/outbound/v1/#`)).toBe(false);
    expect(mayPublish('a/b', '/agent/a/b/outbound/v1/x')).toBe(false);
  });
});

describe('env', () => {
  it('aedes (MQTT 3.1.1 only): only MQTTv3, at https://host:port/mqtt', async () => {
    const { cloud } = await startTestCloud({ broker: 'aedes' });
    const { claimId } = await claimTestNode(cloud);
    const env = await cloudRequest(cloud, 'GET', `/api/v1/env?v=v2.6.0&cap=proto,ctx&claim_id=${claimId}`, { token: null });
    expect(env.json).toMatchObject({ encoding: 'proto', capabilities: expect.arrayContaining(['proto']), transports: [{ type: 'MQTTv3', endpoint: `${cloud.url}/mqtt` }] });
    expect((env.json as { transports: unknown[] }).transports).toHaveLength(1);
  });

  it.runIf(withMosquitto)('mosquitto: MQTTv5 first, then MQTTv3, at https://host:wsport/mqtt (a form the agent parses)', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const { claimId } = await claimTestNode(cloud);
    const env = await cloudRequest(cloud, 'GET', `/api/v1/env?v=v2.6.0&cap=proto,ctx&claim_id=${claimId}`, { token: null });
    const transports = (env.json as { transports: { type: string; endpoint: string }[] }).transports;
    expect(transports.map((t) => t.type)).toEqual(['MQTTv5', 'MQTTv3']);
    for (const t of transports) expect(t.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    expect(new URL(transports[0]?.endpoint ?? '').port).not.toBe(String(cloud.port));
  });
});

describe.runIf(withMosquitto)('mosquitto topic aliases', () => {
  it('an MQTT 5 agent gives all 21 listed topics an alias and publishes on each: not disconnected (0x94), every message arrives', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    const transport = env.transports.find((t) => t.type === 'MQTTv5');
    if (transport === undefined) throw new Error('no MQTTv5 transport');
    const agent = await connectAgent(cloud, transport.endpoint, credentials, 'MQTTv5', { properties: { topicAliasMaximum: 65_535 } });
    const received: string[] = [];
    cloud.broker.onAgentMessage((_id, topic) => void received.push(topic));
    let closed = false;
    agent.on('close', () => void (closed = true));
    const topics = Object.values(credentials.topics);
    expect(topics).toHaveLength(21);
    // Every topic gets its own alias (1..21), as the agent's mqtt_wss_set_topic_alias does; the
    // inbound filters cannot be published on, so the outbound ones are used twice: first with the
    // topic and its alias, then with the alias alone.
    const outbound = topics.filter((t) => !t.includes('#'));
    for (const [i, topic] of outbound.entries()) {
      await within(5_000, agent.publishAsync(topic, Buffer.from('x'), { qos: 1, properties: { topicAlias: i + 3 } }));
    }
    for (const [i] of outbound.entries()) {
      await within(5_000, agent.publishAsync('', Buffer.from('y'), { qos: 1, properties: { topicAlias: i + 3 } }));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false);
    expect(agent.connected).toBe(true);
    expect(outbound.length + 2).toBe(21);
    await expect.poll(() => received.length).toBe(outbound.length * 2);
    expect(new Set(received)).toEqual(new Set(outbound));
  });
});
