/**
 * The dev cloud reads every message by its topic's name and its schema: malformed ones are counted per
 * name (and logged with the reason), topics it has no schema for (chart, alarms, contexts...) are
 * counted as not decoded, never as malformed.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCreateNodeInstance } from '../../adapters/messages/index.js';
import { readAgentMessage } from '../../devcloud/broker/agent-message.js';
import { MessageLog } from '../../devcloud/broker/message-log.js';
import { DEFAULT_TOPICS, type MessageCount } from '../../devcloud/index.js';
import { endAgents, waitFor } from '../broker/support.js';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { fakeAgent } from './node-agent.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const GARBAGE = Buffer.from([0xff, 0xff, 0xff, 0x07]);

describe('decoding what nodes publish', () => {
  it('counts malformed messages per topic name; unknown schemas are "not decoded"', async () => {
    const { cloud } = await startTestCloud({ broker: 'aedes' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const agent = await fakeAgent(cloud, claimId, cloudDir);
    await agent.online();
    await agent.publish('create-node-instance', encodeCreateNodeInstance({ claimId, machineGuid: randomUUID(), hostname: 'h', hops: 0 }));
    for (const name of ['create-node-instance', 'create-node-instance', 'node-instance-connection', 'node-instance-info', 'node-instance-collectors', 'agent-connection']) {
      await agent.publish(name, GARBAGE);
    }
    await agent.client.publishAsync(`/agent/${claimId}/outbound/v1/cmd-reply`, Buffer.from('not a cmd reply'), { qos: 1 });
    for (const name of ['chart', 'alarms', 'contexts-updated', 'node-instance-manifest']) await agent.publish(name, GARBAGE);

    const read = async () => (await cloudRequest(cloud, 'GET', '/admin/messages')).json as { messages: { name: string; status: string; decodeError?: string }[]; counts: MessageCount[] };
    await waitFor('every message', async () => (await read()).messages.length === 13);
    const { messages, counts } = await read();
    const count = (name: string) => counts.find((c) => c.name === name);
    expect(count('create-node-instance')).toEqual({ name: 'create-node-instance', received: 3, decoded: 1, malformed: 2, notDecoded: 0 });
    expect(count('agent-connection')).toEqual({ name: 'agent-connection', received: 2, decoded: 1, malformed: 1, notDecoded: 0 });
    for (const name of ['node-instance-connection', 'node-instance-info', 'node-instance-collectors', 'cmd-reply']) {
      expect(count(name), name).toMatchObject({ received: 1, malformed: 1, decoded: 0 });
    }
    for (const name of ['chart', 'alarms', 'contexts-updated', 'node-instance-manifest']) {
      expect(count(name), name).toEqual({ name, received: 1, decoded: 0, malformed: 0, notDecoded: 1 });
    }
    const bad = messages.find((m) => m.name === 'node-instance-info');
    expect(bad).toMatchObject({ status: 'malformed', decodeError: expect.stringMatching(/^MSG_[A-Z_]+: /) });
    expect(messages.find((m) => m.name === 'chart')).toMatchObject({ status: 'not-decoded' });
    expect(messages.find((m) => m.name === 'chart')).not.toHaveProperty('decodeError');
  });

  it('names a topic by the password answer, not by its last level; unlisted names share a bounded set of counters', () => {
    const claimId = randomUUID();
    const topics = [{ name: 'agent-connection', topic: '/agent/#{claim_id}/outbound/v1/node-instance-info' }];
    expect(readAgentMessage(topics, claimId, `/agent/${claimId}/outbound/v1/node-instance-info`, GARBAGE)).toMatchObject({ name: 'agent-connection', status: 'malformed' });
    expect(readAgentMessage(DEFAULT_TOPICS, claimId, `/agent/${claimId}/outbound/v1/whatever`, GARBAGE)).toMatchObject({ name: 'unlisted:whatever', status: 'not-decoded' });
    const log = new MessageLog({ now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }, 10, 3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) log.record({ claimId, topic: `/agent/${claimId}/outbound/v1/${name}`, name: `unlisted:${name}`, status: 'not-decoded' }, 1);
    expect(log.tally().map((c) => [c.name, c.received])).toEqual([['unlisted:*', 2], ['unlisted:a', 1], ['unlisted:b', 1], ['unlisted:c', 1]]);
  });
});
