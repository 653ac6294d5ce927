/**
 * `no_proxy` through the whole link (PROTOCOL.md section 5, **rule**: with `proxy = env`, honour
 * `no_proxy`/`NO_PROXY`): a real createCloudLink over a real claim, `https_proxy` pointing at a trap
 * that counts connections. When no_proxy names the cloud's host, the state says `direct`, the link
 * goes online against the dev cloud, and the trap sees nothing (neither the HTTPS steps nor the MQTT
 * WebSocket). When it names another host, the proxy is used: the state names it and the trap is dialled.
 */
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline } from './support/real-link.js';

/** A loopback listener that counts and drops every connection: a proxy that must not be used. */
async function startTrap(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const traps: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
  await Promise.all(traps.splice(0).map((t) => t.close()));
});

describe('no_proxy through the link (proxy = env)', () => {
  it.each([
    ['https_proxy', 'no_proxy', '127.0.0.1'],
    ['HTTPS_PROXY', 'NO_PROXY', 'example.com, 127.0.0.0/8'],
    ['http_proxy', 'no_proxy', '*'],
  ])('%s set, %s=%j names the cloud: direct, online, the proxy never dialled', async (proxyVar, noProxyVar, noProxy) => {
    const trap = await startTrap();
    traps.push(trap);
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud, { proxy: 'env' });
    const t = startTestLink(node, cloud, { env: { [proxyVar]: trap.url, [noProxyVar]: noProxy } });
    await t.link.start();
    const state = await waitOnline(t);
    expect(state).toMatchObject({ top: 'connected', claimId: node.claimId, proxy: 'direct' });
    expect(trap.connections()).toBe(0);
  });

  it('no_proxy naming another host: the proxy is used (the state names it, the trap is dialled)', async () => {
    const trap = await startTrap();
    traps.push(trap);
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud, { proxy: 'env' });
    const t = startTestLink(node, cloud, { env: { https_proxy: trap.url, no_proxy: 'example.com,127.0.0.2' } });
    await t.link.start();
    await waitFor('the trap to be dialled', () => trap.connections() > 0);
    expect(t.link.getState()).toMatchObject({ proxy: trap.url, online: false });
  });
});
