/**
 * Issue 13: a subscription the broker refuses ended as PROTOCOL_ERROR (mqtt.js also emits the SUBACK
 * failure as a client error carrying the numeric code, which won the race). It is SUBSCRIBE_FAILED:
 * the dev cloud's brokers refuse a subscription outside the node's own inbound topics (aedes'
 * `authorizeSubscribe`: SUBACK 0x80 in MQTT 3.1.1; mosquitto's dynamic security: 0x87 in MQTT 5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttCredentials } from '../../effects/ports.js';
import { createMqttTransport } from '../../adapters/mqtt/index.js';
import type { BrokerKind } from '../../devcloud/broker/types.js';
import { cleanupTestResources, claimTestNode, startTestCloud } from '../support/dev-cloud.js';
import { issueCredentials, mosquittoAvailable } from '../broker/support.js';
import { EventLog, clock, recordingLogger } from './support/harness.js';

const sessions: { close(o: { graceful: boolean }): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close({ graceful: false })));
  await cleanupTestResources();
});

/** Real credentials whose inbox topic is another node's: the broker refuses that SUBSCRIBE. */
async function refusedSubscription(broker: BrokerKind, mqttVersion: 5 | 4): Promise<{ code: string; message: string }> {
  const { cloud } = await startTestCloud({ broker });
  const { claimId, cloudDir } = await claimTestNode(cloud);
  const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
  const endpoint = env.transports.find((t) => t.type === (mqttVersion === 5 ? 'MQTTv5' : 'MQTTv3'))?.endpoint ?? '';
  const foreign: MqttCredentials = { ...credentials, topics: { ...credentials.topics, 'inbox-cmd': '/agent/someone-else/inbound/v2/#' } };
  const transport = createMqttTransport({ tls: { ca: cloud.caPem, insecure: false }, clock, logger: recordingLogger(), connectTimeoutMs: 10_000 });
  const session = transport.connect({ endpoint, mqttVersion, claimId, credentials: foreign, sessionId: 1 });
  sessions.push(session);
  const log = new EventLog(session);
  const closed = await log.next('closed');
  expect(log.types()).not.toContain('up');
  return { code: closed.code, message: closed.message ?? '' };
}

describe('a subscription the broker refuses', () => {
  it('aedes (MQTT 3.1.1, SUBACK 0x80) → SUBSCRIBE_FAILED', async () => {
    const closed = await refusedSubscription('aedes', 4);
    expect(closed.code).toBe('SUBSCRIBE_FAILED');
    expect(closed.message).toContain('0x80');
  });
});

describe.runIf(await mosquittoAvailable())('a subscription mosquitto refuses', () => {
  it('mosquitto dynamic security (MQTT 5, SUBACK 0x87) → SUBSCRIBE_FAILED', async () => {
    const closed = await refusedSubscription('mosquitto', 5);
    expect(closed.code).toBe('SUBSCRIBE_FAILED');
    expect(closed.message).toContain('0x87');
  });

  it('mosquitto dynamic security (MQTT 3.1.1, SUBACK 0x80) → SUBSCRIBE_FAILED', async () => {
    const closed = await refusedSubscription('mosquitto', 4);
    expect(closed.code).toBe('SUBSCRIBE_FAILED');
  });
});
