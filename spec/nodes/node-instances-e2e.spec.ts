/**
 * Node instances end to end (issue 12): `aclk run` against `aclk`'s development cloud on aedes and on
 * mosquitto comes online, its node appears in the cloud's node list with a node id and live, SIGTERM
 * makes it offline, a restart keeps the same node id (no duplicate node); and a parent registering
 * two children through createCloudLink shows three nodes with hops 0, 1, 1.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DevCloud } from '../../devcloud/index.js';
import { startTestLink, stopTestLinks, nodeFiles, waitOnline } from '../integration/support/real-link.js';
import { AclkProcess, ensureBuilt, stateLine } from '../cli/support.js';
import { cleanupTestResources, claimTestNode, startTestCloud } from '../support/dev-cloud.js';
import { skipWithoutMosquitto } from '../mqtt/support/mosquitto-broker.js';

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function nodesWhen(cloud: DevCloud, test: (nodes: ReturnType<DevCloud['nodeInstances']>) => boolean, what: string): Promise<ReturnType<DevCloud['nodeInstances']>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const nodes = cloud.nodeInstances().filter((n) => n.nodeId !== null);
    if (test(nodes)) return nodes;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(nodes)}`);
    await sleep(100);
  }
}

const BROKERS = { aedes: false, mosquitto: skipWithoutMosquitto() } as const;

for (const [broker, skip] of Object.entries(BROKERS)) {
  describe.skipIf(skip)(`aclk run's node on ${broker}`, () => {
    it('online with a node id and live; offline at SIGTERM; the same node id after a restart', async () => {
      const { cloud } = await startTestCloud({ broker: broker as 'aedes' | 'mosquitto' });
      const { claimId, cloudDir } = await claimTestNode(cloud);
      const args = ['run', '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--json'];
      const first = new AclkProcess(args);
      let nodeId = '';
      try {
        await first.line(stateLine('connected.online'), 30_000);
        const [node] = await nodesWhen(cloud, (n) => n.length === 1 && n[0]?.live === true, 'one live node');
        expect(node).toMatchObject({ claimId, hops: 0, live: true });
        nodeId = node?.nodeId ?? '';
        expect(nodeId).toMatch(/^[0-9a-f-]{36}$/);
        expect(await first.stop('SIGTERM')).toBe(0);
        await nodesWhen(cloud, (n) => n.length === 1 && n[0]?.live === false, 'the node offline after SIGTERM');
      } finally {
        await first.stop('SIGKILL');
      }
      const second = new AclkProcess(args);
      try {
        await second.line(stateLine('connected.online'), 30_000);
        const nodes = await nodesWhen(cloud, (n) => n.some((x) => x.live), 'live again');
        expect(nodes.map((n) => n.nodeId)).toEqual([nodeId]);
        expect(await second.stop('SIGTERM')).toBe(0);
      } finally {
        await second.stop('SIGKILL');
      }
    }, 120_000);
  });
}

describe('a parent and its children', () => {
  it('registering two children gives three nodes with hops 0, 1, 1, each with its own node id', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud);
    const t = startTestLink(node, cloud);
    const parent = randomUUID();
    t.link.nodes.register({ machineGuid: parent, hostname: 'parent', info: { os: 'linux' } });
    await t.link.start();
    await waitOnline(t);
    for (const name of ['child-a', 'child-b']) t.link.nodes.register({ machineGuid: randomUUID(), hostname: name, hops: 1, info: { os: 'linux' } });
    const nodes = await nodesWhen(cloud, (n) => n.length === 3 && n.every((x) => x.live), 'three live nodes');
    expect(nodes.map((n) => [n.hostname, n.hops]).sort()).toEqual([['child-a', 1], ['child-b', 1], ['parent', 0]]);
    expect(new Set(nodes.map((n) => n.nodeId)).size).toBe(3);
    expect(t.link.getState().nodes.every((n) => n.nodeId !== null && n.reportedLive === true)).toBe(true);
  }, 60_000);
});
