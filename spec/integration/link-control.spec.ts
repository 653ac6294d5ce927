/**
 * The cloud in control, for real (dev cloud with aedes, loopback): DisconnectReq with
 * reconnect-after and permaban (admin API), an untrusted server certificate, auto-claim on start
 * (success and failure) and re-claims while connected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTestResources, claimTestNode, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline, waitState } from './support/real-link.js';

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

const disconnect = (cloud: Awaited<ReturnType<typeof startTestCloud>>['cloud'], claimId: string, body: object) =>
  cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/disconnect`, { body });

describe('the cloud in control (aedes)', () => {
  it('DisconnectReq with reconnect-after: the next attempt comes no sooner', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud);
    const t = startTestLink(node, cloud);
    await t.link.start();
    await waitOnline(t);
    const asked = Date.now();
    expect((await disconnect(cloud, node.claimId ?? '', { reconnectAfterSeconds: 2 })).status).toBe(200);
    const backoff = await waitState(t, (s) => s.top === 'backoff', 'the link to leave');
    expect(backoff.reasonCode).toBe('CLOUD_DISCONNECT');
    await waitState(t, (s) => s.online && s.reconnectCount === 1, 'the reconnect');
    const next = t.history.find((h) => h.at >= asked && h.state.top === 'connecting');
    expect(next).toBeDefined();
    expect((next?.at ?? 0) - asked).toBeGreaterThanOrEqual(1_950);
  });

  it('permaban: the link stays backoff.banned', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud);
    const t = startTestLink(node, cloud, { timings: { banRetryMs: 60_000 } });
    await t.link.start();
    await waitOnline(t);
    await disconnect(cloud, node.claimId ?? '', { permaban: true });
    const banned = await waitState(t, (s) => s.state === 'backoff.banned', 'the ban');
    expect(banned).toMatchObject({ bannedByCloud: true, online: false });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(t.link.getState().state).toBe('backoff.banned');
    expect(t.history.filter((h) => h.state.state === 'connecting.env')).toHaveLength(1);
  });

  it('an untrusted server certificate (no CA given): TLS_VERIFY_FAILED, then backoff', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud);
    const t = startTestLink(node, cloud, { ca: undefined });
    await t.link.start();
    const state = await waitState(t, (s) => s.top === 'backoff', 'the failed attempt');
    expect(state).toMatchObject({ reasonCode: 'TLS_VERIFY_FAILED', reason: 'TLS certificate verification failed' });
    await waitState(t, (s) => s.attempt >= 2, 'the next attempt, failing the same way');
    expect(t.link.getState().online).toBe(false);
  });

  it('auto-claim on start (NETDATA_CLAIM_*): claims, then connects under the new claim id', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud, { claimed: false });
    const env = { NETDATA_CLAIM_URL: cloud.url, NETDATA_CLAIM_TOKEN: cloud.token, NETDATA_CLAIM_ROOMS: 'room-1' };
    const t = startTestLink(node, cloud, { env });
    await t.link.start();
    const state = await waitOnline(t);
    expect(state.claimId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cloud.nodes().map((n) => n.claimId)).toContain(state.claimId);
    expect(t.history[0]?.state.top).toBe('unclaimed');
  });

  it('auto-claim failure: logged with its code; the link stays unclaimed with that reason', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud, { claimed: false });
    const env = { NETDATA_CLAIM_URL: cloud.url, NETDATA_CLAIM_TOKEN: 'wrong-token' };
    const t = startTestLink(node, cloud, { env });
    await t.link.start();
    expect(t.link.getState()).toMatchObject({ top: 'unclaimed', reasonCode: 'CLAIM_TOKEN_INVALID', claimed: false });
    expect(t.logger.lines.some((l) => l.startsWith('error auto-claim failed') && l.includes('CLAIM_TOKEN_INVALID'))).toBe(true);
    expect(t.logger.lines.join('\n')).not.toContain('wrong-token');
  });

  it('a re-claim while connected (reload, then claimed()) reconnects under each new identity', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud);
    const t = startTestLink(node, cloud);
    await t.link.start();
    await waitOnline(t);
    const second = await claimTestNode(cloud, { cloudDir: node.cloudDir });
    await t.link.reload();
    await waitState(t, (s) => s.online && s.claimId === second.claimId, 'online as the second identity');
    await waitFor('the broker to see the second identity', () => cloud.broker.connectedNodes().includes(second.claimId));
    const third = await claimTestNode(cloud, { cloudDir: node.cloudDir });
    t.link.claimed(third.claimId);
    await waitState(t, (s) => s.online && s.claimId === third.claimId, 'online as the third identity');
    await waitFor('only the third identity connected', () => {
      const ids = cloud.broker.connectedNodes();
      return ids.length === 1 && ids[0] === third.claimId;
    });
  });
});
