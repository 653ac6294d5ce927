/**
 * A bare mqtt.js client acting as a Netdata agent against the dev cloud, for the node-instance specs:
 * it runs env/challenge/password, connects with the agent's Last Will, subscribes to its inbox and
 * publishes on the listed topics by name.
 */
import type { MqttClient } from 'mqtt';
import { encodeUpdateAgentConnection } from '../../adapters/messages/index.js';
import type { DevCloud } from '../../devcloud/index.js';
import { connectAgent, issueCredentials, nextMessage } from '../broker/support.js';

export interface FakeAgent {
  readonly client: MqttClient;
  readonly sessionId: number;
  readonly topics: Readonly<Record<string, string>>;
  publish(name: string, payload: Uint8Array): Promise<void>;
  /** The next message of this inbound type (the topic's last level). */
  next(messageType: string): Promise<Buffer>;
  /** Says reachable=true on agent-connection, as the agent does after CONNACK. */
  online(): Promise<void>;
}

export async function fakeAgent(cloud: DevCloud, claimId: string, cloudDir: string, sessionId = Date.now() * 1000): Promise<FakeAgent> {
  const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
  const transport = env.transports[0];
  if (transport === undefined) throw new Error('no transport');
  const will = encodeUpdateAgentConnection({ claimId, reachable: false, sessionId, updateSource: 'lwt', updatedAtMs: Date.now() });
  const topics = credentials.topics;
  const mqttVersion = transport.type as 'MQTTv5' | 'MQTTv3';
  const client = await connectAgent(cloud, transport.endpoint, credentials, mqttVersion, {
    will: { topic: topics['agent-connection'] ?? '', payload: Buffer.from(will), qos: mqttVersion === 'MQTTv5' ? 2 : 1, retain: false },
  });
  await client.subscribeAsync([topics['inbox-cmd'] ?? '', topics['inbox-cmd-v1'] ?? ''], { qos: 1 });
  const publish = async (name: string, payload: Uint8Array): Promise<void> => {
    const topic = topics[name];
    if (topic === undefined) throw new Error(`no topic named ${name}`);
    await client.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  };
  return {
    client,
    sessionId,
    topics,
    publish,
    next: async (messageType) => (await nextMessage(client, (t) => t.endsWith(`/${messageType}`))).payload,
    online: () => publish('agent-connection', encodeUpdateAgentConnection({ claimId, reachable: true, sessionId, updateSource: 'agent', updatedAtMs: Date.now() })),
  };
}
