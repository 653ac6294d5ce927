/**
 * Soak: mosquitto killed with SIGKILL and restarted, cycle after cycle, while the host publishes every
 * 20 ms (issue 7). Per cycle: the time from the broker being back to the link online again. Asserts
 * no lost message, every reconnect within the policy's bound, heap growth under 5 MB, and no leaked
 * sockets or timers once the link is stopped and the cloud closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoAvailable } from '../broker/support.js';
import { nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline, waitState } from '../integration/support/real-link.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { activeResources, HEAP_METHOD, TIMEOUT_TOLERANCE, MB, mb, report, resourceGrowth, settledHeap, settledResources, summary } from './support/measure.js';
import { reconnectBoundMs, startPublisher } from './support/soak-link.js';
import { soakScale } from './scale.js';

const CYCLES = soakScale(3, 100);
/** The heap baseline is taken after this cycle (JIT code and the cloud's bounded message log warm up first). */
const WARM_UP = Math.ceil(CYCLES / 10);
const withMosquitto = await mosquittoAvailable();

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

describe.skipIf(!withMosquitto)('soak: mosquitto SIGKILL + restart while publishing', () => {
  it(`${CYCLES} cycles: no lost message, bounded reconnects, flat heap, no leaked handles`, async () => {
    const resourcesBefore = await settledResources();
    const { cloud } = await startTestCloud({ broker: 'mosquitto' });
    const { crash, restart } = cloud.broker;
    if (!crash || !restart) throw new Error('the mosquitto broker must support crash() and restart()');
    const node = await nodeFiles(cloud);
    const boundMs = await reconnectBoundMs(node.netdataConf);
    const beforeLink = await settledResources();
    const t = startTestLink(node, cloud);
    await t.link.start();
    await waitOnline(t);
    // The counts see the link's own sockets (else a leak could not show): more while it is online.
    expect(resourceGrowth(beforeLink, activeResources()).TCPSocketWrap).toBeGreaterThan(0);
    const publisher = startPublisher(t, cloud, 'k');
    const reconnectMs: number[] = [];
    const noticeMs: number[] = [];
    const reasons = new Map<string, number>();
    let heapStart = 0;
    let heapEnd = 0;
    try {
      for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
        const sentBefore = publisher.sent();
        await waitFor('messages flowing before the crash', () => publisher.sent() >= sentBefore + 10 && publisher.missing() < 5, 30_000);
        const killedAt = Date.now();
        const mark = t.history.length;
        await crash.call(cloud.broker);
        const left = await waitFor('the link to notice the crash', () => t.history.slice(mark).find((h) => h.state.top === 'backoff'), 90_000);
        noticeMs.push(left.at - killedAt);
        reasons.set(left.state.reasonCode, (reasons.get(left.state.reasonCode) ?? 0) + 1);
        await restart.call(cloud.broker);
        const backAt = Date.now();
        await waitState(t, (s) => s.online && s.reconnectCount >= cycle, `reconnect ${cycle}`, boundMs + 30_000);
        reconnectMs.push(Date.now() - backAt);
        if (cycle === WARM_UP) heapStart = await settledHeap();
      }
      await waitFor('every accepted message at the cloud', () => publisher.missing() === 0, 30_000);
    } finally {
      await publisher.stop();
    }
    await waitFor('the last messages at the cloud', () => publisher.missing() === 0, 15_000);
    publisher.detach();
    heapEnd = await settledHeap();
    await t.link.stop();
    const linkGrowth = resourceGrowth(beforeLink, await settledResources());
    await cloud.close();
    const resourcesAfter = await settledResources();
    const growth = resourceGrowth(resourcesBefore, resourcesAfter);

    const r = summary(reconnectMs);
    await report('broker-kills', {
      cycles: { value: CYCLES },
      'messages sent': { value: publisher.sent() },
      'messages lost': { value: publisher.missing() },
      'reconnect ms min/median/max': { value: `${r.min} / ${r.median} / ${r.max}` },
      'reconnect bound ms': { value: boundMs },
      'notice ms median/max': { value: `${summary(noticeMs).median} / ${summary(noticeMs).max}` },
      [`heap MB after cycle ${WARM_UP} / end / growth`]: { value: `${mb(heapStart)} / ${mb(heapEnd)} / ${mb(heapEnd - heapStart)}` },
      'resources: link start→stop': { value: JSON.stringify(linkGrowth) },
      'resources: before cloud→all closed': { value: JSON.stringify(growth) },
      'heap method': { value: HEAP_METHOD },
    }, { reconnectMs, noticeMs, reasons: Object.fromEntries(reasons), heapStart, heapEnd, resourcesBefore, resourcesAfter });

    expect(publisher.rejected()).toEqual([]);
    expect(publisher.missing()).toBe(0);
    expect(t.link.getState().outboxSize).toBe(0);
    expect(reconnectMs).toHaveLength(CYCLES);
    expect(r.max).toBeLessThanOrEqual(boundMs);
    expect([...reasons.keys()].every((code) => ['SOCKET_CLOSED', 'PING_TIMEOUT'].includes(code))).toBe(true);
    expect(heapEnd - heapStart).toBeLessThan(5 * MB);
    for (const g of [linkGrowth, growth]) {
      expect(g.TCPSocketWrap).toBeLessThanOrEqual(0);
      expect(g.TLSWrap).toBeLessThanOrEqual(0);
      expect(g.Timeout).toBeLessThanOrEqual(TIMEOUT_TOLERANCE);
    }
  });
});
