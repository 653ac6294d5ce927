/**
 * The whole link for real, over loopback: netdata.conf + a cloud.d written by a real claim, env,
 * challenge/password, MQTT over WSS, and a `cmd` round trip (admin API → broker → onCommand →
 * reply on the callback topic), against the dev cloud with aedes and with mosquitto, directly and
 * through tinyproxy (HTTP CONNECT) and dante (SOCKS5). Missing servers: skipped loudly, failed in CI.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { mosquittoAvailable } from '../broker/support.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { skipWithoutServer, startDante, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { adminCmd, nodeFiles, startTestLink, stopTestLinks, waitOnline } from './support/real-link.js';

const brokers = { aedes: true, mosquitto: await mosquittoAvailable() } as const;
const proxies = { direct: false, tinyproxy: skipWithoutServer('tinyproxy'), dante: skipWithoutServer('dante') } as const;

let tinyproxy: RunningProxy | undefined;
let dante: RunningProxy | undefined;
beforeAll(async () => {
  if (!proxies.tinyproxy) tinyproxy = await startTinyproxy();
  if (!proxies.dante) dante = await startDante();
});
afterAll(async () => {
  await tinyproxy?.stop();
  await dante?.stop();
});
afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

const proxySetting = (kind: keyof typeof proxies): string =>
  kind === 'tinyproxy' ? `http://127.0.0.1:${tinyproxy?.port}` : kind === 'dante' ? `socks5h://127.0.0.1:${dante?.port}` : 'none';

for (const broker of ['aedes', 'mosquitto'] as const) {
  for (const path of ['direct', 'tinyproxy', 'dante'] as const) {
    it.skipIf(!brokers[broker] || proxies[path])(`${broker}, ${path}: connects from the files and answers a cmd`, async () => {
      const { cloud } = await startTestCloud({ broker });
      const node = await nodeFiles(cloud, { proxy: proxySetting(path) });
      const t = startTestLink(node, cloud);
      await t.link.start();
      const state = await waitOnline(t);
      expect(state).toMatchObject({ top: 'connected', claimId: node.claimId, mqttVersion: broker === 'mosquitto' ? 5 : 4 });
      expect(state.proxy).toBe(path === 'direct' ? 'direct' : proxySetting(path)); // the resolved proxy, without credentials
      const answer = await adminCmd(cloud, node.claimId ?? '', '/api/v1/info?x=1');
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ status: 200, body: JSON.stringify({ method: 'GET', path: '/api/v1/info?x=1' }) });
      expect(t.link.getState().messagesReceived).toBeGreaterThanOrEqual(1);
      await t.link.stop();
      expect(t.link.getState().top).toBe('disabled');
    });
  }
}
