/** mosquitto only: the process lifecycle and credentials reused while the first connection is open. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanupTestResources, claimTestNode, startTestCloud } from '../support/dev-cloud.js';
import { connectAgent, endAgents, issueCredentials, mosquittoAvailable, waitFor } from './support.js';

afterEach(async () => {
  await endAgents();
  await cleanupTestResources();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(await mosquittoAvailable())('broker mosquitto', () => {
  it('runs from a generated conf in the state dir and is gone after close', async () => {
    const { cloud, stateDir } = await startTestCloud({ broker: 'mosquitto' });
    const pid = cloud.broker.pid ?? -1;
    expect(alive(pid)).toBe(true);
    const conf = await readFile(join(stateDir, 'mosquitto', 'mosquitto.conf'), 'utf8');
    expect(conf).toContain('allow_anonymous false');
    expect(conf).toContain('protocol websockets');
    expect(conf).toMatch(/plugin .*mosquitto_dynamic_security\.so/);
    await cloud.close();
    expect(alive(pid)).toBe(false);
  });

  it('credentials presented while their first connection is open: both are kicked', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    const endpoint = env.transports[0]?.endpoint ?? '';
    const first = await connectAgent(cloud, endpoint, credentials, 'MQTTv5');
    await waitFor('the node to show connected', () => cloud.broker.connectedNodes().includes(claimId));
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await connectAgent(cloud, endpoint, credentials, 'MQTTv5').catch(() => null);
    await firstClosed;
    if (second !== null) await new Promise<void>((resolve) => (second.connected ? second.once('close', () => resolve()) : resolve()));
    await waitFor('the node to show disconnected', () => !cloud.broker.connectedNodes().includes(claimId));
    await expect(connectAgent(cloud, endpoint, credentials, 'MQTTv5')).rejects.toThrow();
  });

  it('speaks MQTT 3.1.1 too', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const { env, credentials } = await issueCredentials(cloud, claimId, cloudDir);
    const v3 = env.transports.find((t) => t.type === 'MQTTv3');
    expect(v3?.endpoint).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const agent = await connectAgent(cloud, v3?.endpoint ?? '', credentials, 'MQTTv3');
    const granted = await agent.subscribeAsync(credentials.topics['inbox-cmd'] ?? '', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
  });
});
