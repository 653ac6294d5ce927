/**
 * Losing the connection for real: the Last Will when the TCP socket is cut (through a loopback
 * forwarder, so the broker sees no DISCONNECT), messages published while the broker drops everyone
 * (aedes: `dropAll`; mosquitto: a 2 s cloud outage; the SIGKILL-and-restart case is in
 * broker-crash.spec.ts), and a proxy that dies mid-session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeUpdateAgentConnection } from '../../adapters/messages/index.js';
import { mosquittoAvailable } from '../broker/support.js';
import { cleanupTestResources, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { skipWithoutServer, startTinyproxy } from '../support/proxies.js';
import { chartArrivals, brokerEndpoint, nodeFiles, startForwarder, startTestLink, stopTestLinks, waitFor, waitOnline, waitState } from './support/real-link.js';

const withMosquitto = await mosquittoAvailable();
const skipTinyproxy = skipWithoutServer('tinyproxy');

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

for (const broker of ['aedes', 'mosquitto'] as const) {
  describe.skipIf(broker === 'mosquitto' && !withMosquitto)(`${broker}`, () => {
    it('the Last Will reaches another subscriber when the socket is cut; the link reconnects', async () => {
      const { cloud } = await startTestCloud({ broker });
      const node = await nodeFiles(cloud);
      const claimId = node.claimId ?? '';
      const direct = await brokerEndpoint(cloud, claimId);
      const forwarder = await startForwarder(Number(new URL(direct.endpoint).port));
      try {
        cloud.configure({ transports: [{ type: direct.type, endpoint: `wss://127.0.0.1:${forwarder.port}/mqtt` }] });
        const seen: { reachable: boolean; source: string }[] = [];
        cloud.broker.onAgentMessage((id, topic, payload) => {
          if (id !== claimId || !topic.endsWith('/connection')) return;
          const m = decodeUpdateAgentConnection(payload);
          seen.push({ reachable: m.reachable, source: m.updateSource });
        });
        const t = startTestLink(node, cloud);
        await t.link.start();
        await waitOnline(t);
        await waitFor('the online announcement', () => seen.some((m) => m.reachable));
        forwarder.cut();
        await waitFor('the Last Will', () => seen.find((m) => !m.reachable && m.source === 'lwt'));
        await waitState(t, (s) => s.top !== 'connected', 'the link to notice');
        await waitState(t, (s) => s.online && s.reconnectCount === 1, 'the link to reconnect');
        expect(t.history.some((h) => h.state.top === 'backoff' && ['SOCKET_CLOSED', 'PING_TIMEOUT'].includes(h.state.reasonCode))).toBe(true);
      } finally {
        await forwarder.close();
      }
    });

    it('every message accepted while the broker drops the link arrives after the reconnect', async () => {
      const { cloud } = await startTestCloud({ broker });
      const node = await nodeFiles(cloud);
      const arrived = chartArrivals(cloud);
      const t = startTestLink(node, cloud);
      await t.link.start();
      await waitOnline(t);
      const sent: Promise<void>[] = [];
      const publish = (n: number) => sent.push(t.link.publish('chart', Buffer.from(`m-${n}`)));
      for (let n = 0; n < 20; n += 1) publish(n);
      if (broker === 'aedes') await cloud.broker.dropAll();
      else expect((await cloudRequest(cloud, 'POST', '/admin/outage', { body: { seconds: 2 } })).status).toBe(200);
      for (let n = 20; n < 40; n += 1) publish(n);
      await waitState(t, (s) => s.reconnectCount >= 1 && s.online, 'the reconnect', 30_000);
      await Promise.all(sent);
      await waitFor('every message', () => arrived.size === 40, 10_000);
      expect([...arrived].sort()).toEqual(Array.from({ length: 40 }, (_, n) => `m-${n}`).sort());
      expect(t.link.getState()).toMatchObject({ outboxSize: 0, pendingPubacks: 0 });
    });
  });
}

describe.skipIf(skipTinyproxy)('a proxy that dies mid-session', () => {
  it('tinyproxy killed: the link leaves connected with a coded reason and backs off', async () => {
    const proxy = await startTinyproxy();
    try {
      const { cloud } = await startTestCloud();
      const node = await nodeFiles(cloud, { proxy: `http://127.0.0.1:${proxy.port}` });
      const t = startTestLink(node, cloud);
      await t.link.start();
      await waitOnline(t);
      await proxy.stop();
      const left = await waitState(t, (s) => s.top === 'backoff', 'the link to back off');
      expect(['SOCKET_CLOSED', 'PING_TIMEOUT']).toContain(left.reasonCode);
      // Later attempts cannot reach the proxy at all.
      const next = await waitState(t, (s) => s.top === 'backoff' && s.attempt >= 2, 'a failed attempt through the dead proxy');
      expect(next.reasonCode).toMatch(/^PROXY_/);
    } finally {
      await proxy.stop();
    }
  });
});
