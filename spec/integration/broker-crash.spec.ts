/**
 * The broker killed with SIGKILL and restarted while the host keeps publishing (issue 4): the link
 * reconnects by itself and every message `publish()` accepted arrives at the cloud.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoAvailable } from '../broker/support.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { chartArrivals, nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline, waitState } from './support/real-link.js';

const withMosquitto = await mosquittoAvailable();

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

describe.skipIf(!withMosquitto)('mosquitto killed and restarted', () => {
  it('SIGKILL while publishing continuously: reconnect, and every accepted message arrives', async () => {
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const crash = cloud.broker.crash?.bind(cloud.broker);
    const restart = cloud.broker.restart?.bind(cloud.broker);
    if (!crash || !restart) throw new Error('the mosquitto broker must support crash() and restart()');
    const node = await nodeFiles(cloud);
    const arrived = chartArrivals(cloud);
    const t = startTestLink(node, cloud);
    await t.link.start();
    await waitOnline(t);

    const accepted: Promise<void>[] = [];
    let n = 0;
    const publisher = setInterval(() => { accepted.push(t.link.publish('chart', Buffer.from(`k-${n++}`))); }, 20);
    try {
      await waitFor('some messages before the crash', () => arrived.size >= 10);
      const pidBefore = cloud.broker.pid;
      await crash();
      await waitState(t, (s) => s.top !== 'connected', 'the link to notice the crash', 90_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await restart();
      expect(cloud.broker.pid).not.toBe(pidBefore);
      await waitState(t, (s) => s.online && s.reconnectCount >= 1, 'the link to reconnect', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      clearInterval(publisher);
    }
    await Promise.all(accepted);
    const expected = Array.from({ length: n }, (_, i) => `k-${i}`);
    await waitFor(`all ${n} messages`, () => expected.every((m) => arrived.has(m)), 15_000);
    expect(expected.filter((m) => !arrived.has(m))).toEqual([]);
    expect(t.link.getState()).toMatchObject({ outboxSize: 0, pendingPubacks: 0 });
  });
});
