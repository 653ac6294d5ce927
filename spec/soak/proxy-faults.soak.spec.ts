/**
 * Soak: proxy failures (issue 7). Real tinyproxy and danted crashed mid-session (SIGKILL of the server
 * and the processes it forked) and started again on the same port, cycle after cycle: the link leaves
 * `connected` with a coded reason, fails its attempts through the dead proxy with PROXY_UNREACHABLE,
 * keeps running and reconnects once the proxy is back. And a proxy that accepts and stalls: no CONNECT
 * answer gives PROXY_TIMEOUT (the tunnel timeout is set below the HTTPS connect budget, which would
 * otherwise fire first as CONNECT_TIMEOUT); a 200 and then silence gives CONNECT_TIMEOUT (the connect
 * budget covers the TLS handshake inside the tunnel). The link keeps retrying and recovers when the
 * proxy behaves again, or when a configuration reload points it at a working proxy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline, waitState, writeNetdataConf, type TestLink } from '../integration/support/real-link.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { skipWithoutServer, startDante, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { crashTree } from './support/kill-tree.js';
import { report, summary } from './support/measure.js';
import { startStallProxy, type StallMode } from './support/stall-proxy.js';
import { soakScale } from './scale.js';

const KILL_CYCLES = soakScale(2, 25);
const STALL_CYCLES = soakScale(1, 10);
const SERVERS = {
  tinyproxy: { skip: skipWithoutServer('tinyproxy'), start: (port?: number) => startTinyproxy({ port }), url: (p: number) => `http://127.0.0.1:${p}` },
  dante: { skip: skipWithoutServer('dante'), start: (port?: number) => startDante({ port }), url: (p: number) => `socks5h://127.0.0.1:${p}` },
} as const;
const proxies: RunningProxy[] = [];
/** startTestLink's adapter timeouts, with the proxy tunnel's below the HTTPS connect budget (3 s). */
const NETWORK = { connectTimeoutMs: 3_000, requestTimeoutMs: 3_000, tunnelTimeoutMs: 1_500, mqttConnectTimeoutMs: 5_000, closeTimeoutMs: 500 };

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

/** Codes seen in backoff after `since` (history index). */
const backoffCodes = (t: TestLink, since: number): string[] =>
  t.history.slice(since).filter((h) => h.state.top === 'backoff').map((h) => h.state.reasonCode);

for (const [name, server] of Object.entries(SERVERS)) {
  describe.skipIf(server.skip)(`soak: ${name} killed mid-session`, () => {
    it(`${KILL_CYCLES} kill/restart cycles: coded backoff, PROXY_* while down, reconnect when back`, async () => {
      let proxy = await server.start();
      proxies.push(proxy);
      const port = proxy.port;
      const { cloud } = await startTestCloud();
      const node = await nodeFiles(cloud, { proxy: server.url(port) });
      const t = startTestLink(node, cloud);
      await t.link.start();
      await waitOnline(t);
      const recoverMs: number[] = [];
      for (let cycle = 1; cycle <= KILL_CYCLES; cycle += 1) {
        const mark = t.history.length;
        await crashTree(proxy.pid);
        await proxy.stop();
        // From the history: a policy wait near 0 can hide the first backoff from a poll.
        const left = await waitFor(`cycle ${cycle}: backoff`, () => t.history.slice(mark).find((h) => h.state.top === 'backoff'), 30_000);
        expect(['SOCKET_CLOSED', 'PING_TIMEOUT']).toContain(left.state.reasonCode);
        const failed = await waitFor(`cycle ${cycle}: an attempt through the dead proxy`,
          () => t.history.slice(mark).find((h) => h.state.top === 'backoff' && h.state.reasonCode.startsWith('PROXY_')), 30_000);
        expect(failed.state.reasonCode).toBe('PROXY_UNREACHABLE');
        proxy = await server.start(port);
        proxies.push(proxy);
        const back = Date.now();
        await waitState(t, (s) => s.online && s.reconnectCount >= cycle, `cycle ${cycle}: reconnect through the restarted proxy`, 30_000);
        recoverMs.push(Date.now() - back);
        expect(backoffCodes(t, mark).every((c) => ['SOCKET_CLOSED', 'PING_TIMEOUT'].includes(c) || c.startsWith('PROXY_'))).toBe(true);
      }
      expect(t.link.getState()).toMatchObject({ online: true, proxy: expect.stringContaining(`:${port}`) as unknown });
      const r = summary(recoverMs);
      await report(`proxy-kills-${name}`, { cycles: { value: KILL_CYCLES }, 'recover ms min/median/max': { value: `${r.min} / ${r.median} / ${r.max}` } }, { recoverMs });
    });
  });
}

describe('soak: a proxy that accepts and stalls', () => {
  // 200 and then silence: the TLS handshake inside the tunnel never completes; the connect budget ends it.
  const expected: Record<Exclude<StallMode, 'forward'>, string[]> = { stall: ['PROXY_TIMEOUT'], 'connect-stall': ['CONNECT_TIMEOUT'] };
  it(`${STALL_CYCLES} cycle(s) per stall mode: coded timeout, retries, recovery when the proxy forwards again`, async () => {
    const proxy = await startStallProxy('forward');
    try {
      const { cloud } = await startTestCloud();
      const node = await nodeFiles(cloud, { proxy: proxy.url });
      const t = startTestLink(node, cloud, { network: NETWORK });
      await t.link.start();
      await waitOnline(t);
      const rows: Record<string, { value: string }> = {};
      let reconnects = 0;
      for (let cycle = 1; cycle <= STALL_CYCLES; cycle += 1) {
        for (const mode of ['stall', 'connect-stall'] as const) {
          proxy.mode = mode;
          const acceptedBefore = proxy.accepted[mode];
          await cloud.broker.dropAll();
          const timedOut = await waitState(t, (s) => s.top === 'backoff' && expected[mode].includes(s.reasonCode), `${mode}: ${expected[mode].join(' or ')}`, 30_000);
          expect(timedOut.online).toBe(false);
          // It keeps retrying through the stalling proxy (a second timed-out attempt).
          await waitState(t, (s) => s.top === 'backoff' && expected[mode].includes(s.reasonCode) && proxy.accepted[mode] >= acceptedBefore + 2, `${mode}: a retry`, 30_000);
          proxy.mode = 'forward';
          const back = Date.now();
          await waitState(t, (s) => s.online && s.reconnectCount > reconnects, `${mode}: recovery`, 30_000);
          reconnects = t.link.getState().reconnectCount;
          rows[`${mode} #${cycle}: code / recover ms`] = { value: `${timedOut.reasonCode} / ${Date.now() - back}` };
        }
      }
      await report('proxy-stall', rows);
    } finally {
      await proxy.close();
    }
  });

  it.skipIf(SERVERS.dante.skip)('stalled proxy replaced by a configuration reload: reconnects through danted', async () => {
    const stalled = await startStallProxy('stall');
    try {
      const dante = await startDante();
      proxies.push(dante);
      const { cloud } = await startTestCloud();
      const node = await nodeFiles(cloud, { proxy: stalled.url });
      const t = startTestLink(node, cloud, { network: NETWORK });
      await t.link.start();
      await waitState(t, (s) => s.top === 'backoff' && s.reasonCode === 'PROXY_TIMEOUT', 'PROXY_TIMEOUT through the stalled proxy', 30_000);
      await writeNetdataConf(node.dir, cloud, `socks5h://127.0.0.1:${dante.port}`);
      await t.link.reload();
      const online = await waitOnline(t, 30_000);
      expect(online.proxy).toContain(`:${dante.port}`);
    } finally {
      await stalled.close();
    }
  });
});
