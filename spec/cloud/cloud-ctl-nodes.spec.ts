/**
 * `aclk cloud-ctl nodes` (human and --json), `send-node-instances --claim-id` and the counts of
 * `messages`, run in-process against a dev cloud with an mqtt.js agent that created a node instance.
 */
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSendNodeInstances, encodeCreateNodeInstance, encodeUpdateNodeInfo, encodeUpdateNodeInstanceConnection } from '../../adapters/messages/index.js';
import { registerCloudCtl } from '../../cli/cloud-ctl-cmd.js';
import type { DevCloud } from '../../devcloud/index.js';
import { endAgents, waitFor } from '../broker/support.js';
import { cleanupTestResources, claimTestNode, startTestCloud } from '../support/dev-cloud.js';
import { fakeAgent } from './node-agent.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await endAgents();
  await cleanupTestResources();
});

/** Runs `aclk cloud-ctl ...args` in this process; returns what it printed. */
async function cloudCtl(cloud: DevCloud, args: readonly string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerCloudCtl(program);
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['cloud-ctl', ...args, '--url', cloud.url, '--admin-token', cloud.adminToken, '--ca', cloud.caPath], { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return out.join('');
}

describe('aclk cloud-ctl nodes / send-node-instances / messages', () => {
  it('lists node id, machine GUID, hostname, hops, live/offline, agent version, OS and claim id', async () => {
    const { cloud } = await startTestCloud({ broker: 'aedes' });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const idle = await claimTestNode(cloud);
    // Claimed, no node instance yet: no node id; the machine GUID the agent claimed with.
    expect(await cloudCtl(cloud, ['nodes'])).toMatch(new RegExp(`^-  [0-9a-f-]{36}  test-host  hops=-  offline  -  -  claim=${idle.claimId}$`, 'm'));

    const agent = await fakeAgent(cloud, claimId, cloudDir);
    await agent.online();
    const machineGuid = randomUUID();
    const result = agent.next('CreateNodeInstanceResult');
    await agent.publish('create-node-instance', encodeCreateNodeInstance({ claimId, machineGuid, hostname: 'web-1', hops: 0 }));
    await result;
    const nodeId = cloud.nodeInstances().find((n) => n.machineGuid === machineGuid)?.nodeId ?? '';
    await agent.publish('node-instance-connection', encodeUpdateNodeInstanceConnection({ claimId, nodeId, liveness: true, queryable: true, sessionId: agent.sessionId, updatedAtMs: Date.now(), hops: 0 }));
    await agent.publish('node-instance-info', encodeUpdateNodeInfo({ claimId, nodeId, child: false, updatedAtMs: Date.now(), info: { name: 'web-1', version: 'v2.6.0', osName: 'Debian GNU/Linux', osVersion: '12' } }));
    await waitFor('the node to be live with its info', () => cloud.nodeInstances().some((n) => n.live && n.agentVersion === 'v2.6.0'));

    const human = (await cloudCtl(cloud, ['nodes'])).split('\n');
    expect(human).toContain(`${nodeId}  ${machineGuid}  web-1  hops=0  live  v2.6.0  Debian GNU/Linux 12  claim=${claimId}`);
    const json = JSON.parse(await cloudCtl(cloud, ['nodes', '--json'])) as { nodes: Record<string, unknown>[] };
    expect(json.nodes).toHaveLength(2);
    expect(json.nodes).toContainEqual(expect.objectContaining({ nodeId, machineGuid, hostname: 'web-1', hops: 0, live: true, agentVersion: 'v2.6.0', os: 'Debian GNU/Linux 12', claimId, connected: true }));
    expect(json.nodes).toContainEqual(expect.objectContaining({ nodeId: null, claimId: idle.claimId, live: false, connected: false }));

    const request = agent.next('SendNodeInstances');
    expect(await cloudCtl(cloud, ['send-node-instances', '--claim-id', claimId])).toBe(`SendNodeInstances sent to ${claimId}\n`);
    expect(decodeSendNodeInstances(await request)).toMatchObject({ claimId });

    await agent.publish('node-instance-info', Buffer.from([0xff, 0xff]));
    await waitFor('the malformed one in the log', async () => (await cloudCtl(cloud, ['messages'])).includes('MALFORMED'));
    const messages = await cloudCtl(cloud, ['messages']);
    expect(messages).toMatch(/node-instance-info {2}\d+ B {2}MALFORMED: MSG_/);
    expect(messages.split('\n')).toContain('  node-instance-info  2  1  1  0');
    const counted = JSON.parse(await cloudCtl(cloud, ['messages', '--json'])) as { counts: { name: string; malformed: number }[] };
    expect(counted.counts.find((c) => c.name === 'node-instance-info')?.malformed).toBe(1);
  });
});
