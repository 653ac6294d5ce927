import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTestResources, claimTestNode, cloudRequest, makeTempDir, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

function rsaPublicPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('dev cloud: certificates and state', () => {
  it('makes a CA and a server certificate for 127.0.0.1, localhost and ::1, keys 0600, and reuses them', async () => {
    const stateDir = await makeTempDir();
    const first = await startTestCloud({ stateDir });
    expect(first.cloud.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const server = new X509Certificate(await readFile(join(stateDir, 'server.pem'), 'utf8'));
    const ca = new X509Certificate(first.cloud.caPem);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(ca.ca).toBe(true);
    for (const key of ['ca-key.pem', 'server-key.pem', 'state.json']) {
      expect((await stat(join(stateDir, key))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect(await readFile(first.cloud.caPath, 'utf8')).toBe(first.cloud.caPem);

    const { claimId } = await claimTestNode(first.cloud);
    const { token, adminToken, caPem } = first.cloud;
    await first.cloud.close();

    const second = await startTestCloud({ stateDir });
    expect(second.cloud.caPem).toBe(caPem);
    expect(second.cloud.token).toBe(token);
    expect(second.cloud.adminToken).toBe(adminToken);
    expect(second.cloud.nodes().map((n) => n.claimId)).toEqual([claimId]);
  });

  it('answers the server certificate the clients verify against the CA', async () => {
    const { cloud } = await startTestCloud();
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: cloud.port, ca: cloud.caPem, servername: 'localhost' }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(authorized).toBe(true);
  });
});

describe('dev cloud: claim endpoint', () => {
  const put = (cloud: Parameters<typeof cloudRequest>[0], id: string, body: Record<string, unknown>) =>
    cloudRequest(cloud, 'PUT', `/api/v1/spaces/nodes/${id}`, { body, token: null });

  it('validates the body: token 403, node id, host name, rooms, public key 422; re-claim with another key 409', async () => {
    const { cloud } = await startTestCloud();
    const id = randomUUID();
    const good = { node: { id, hostname: 'h' }, token: cloud.token, rooms: ['r'], publicKey: rsaPublicPem() };
    expect((await put(cloud, id, { ...good, token: 'wrong' })).status).toBe(403);
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ node: { id: randomUUID(), hostname: 'h' } }, 'ErrInvalidNodeID'],
      [{ node: { id: 'not-a-uuid', hostname: 'h' } }, 'ErrInvalidNodeID', 'not-a-uuid'],
      [{ node: { id, hostname: '' } }, 'ErrInvalidNodeName'],
      [{ rooms: 'r' }, 'ErrInvalidRoomID'],
      [{ rooms: [1] }, 'ErrInvalidRoomID'],
      [{ publicKey: 'nope' }, 'ErrInvalidPublicKey'],
      [{ publicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) }, 'ErrInvalidPublicKey'],
    ];
    for (const [patch, key, pathId] of cases) {
      const answer = await put(cloud, pathId ?? id, { ...good, ...patch });
      expect(answer.status, key).toBe(422);
      expect(answer.json).toMatchObject({ errorMsgKey: key, errorMessage: expect.any(String), errorCode: expect.any(String) });
    }
    expect((await put(cloud, id, good)).status).toBe(204);
    expect((await put(cloud, id, { ...good, hostname: 'again' })).status).toBe(204);
    const other = await put(cloud, id, { ...good, publicKey: rsaPublicPem() });
    expect(other.status).toBe(409);
    expect(cloud.nodes()).toHaveLength(1);
  });
});

describe('dev cloud: admin API', () => {
  it('requires the admin token', async () => {
    const { cloud } = await startTestCloud();
    expect((await cloudRequest(cloud, 'GET', '/admin/nodes', { token: null })).status).toBe(401);
    expect((await cloudRequest(cloud, 'GET', '/admin/nodes', { token: 'wrong' })).status).toBe(401);
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { token: cloud.token, body: { endpoint: 'env' } })).status).toBe(401);
    const nodes = await cloudRequest(cloud, 'GET', '/admin/nodes');
    expect(nodes).toMatchObject({ status: 200, json: { nodes: [] } });
  });

  it('applies a fault for N requests, then answers normally again; DELETE clears faults', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const env = () => cloudRequest(cloud, 'GET', `/api/v1/env?v=1&cap=proto,ctx&claim_id=${claimId}`, { token: null });
    const added = await cloudRequest(cloud, 'POST', '/admin/faults', { body: { endpoint: 'env', status: 503, times: 2, retryDelaySeconds: 7 } });
    expect(added.status).toBe(201);
    for (let i = 0; i < 2; i += 1) {
      const answer = await env();
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ errorMsgKey: 'ErrInjectedFault', errorRetryDelaySeconds: 7 });
    }
    expect((await env()).status).toBe(200);

    await cloudRequest(cloud, 'POST', '/admin/faults', { body: { endpoint: 'env', mode: 'garbage', times: 5 } });
    expect((await cloudRequest(cloud, 'GET', '/admin/faults')).json).toMatchObject({ faults: [{ remaining: 5 }] });
    expect((await env()).json).toBeUndefined();
    expect((await cloudRequest(cloud, 'DELETE', '/admin/faults')).status).toBe(204);
    expect((await env()).status).toBe(200);

    const listed = await cloudRequest(cloud, 'GET', '/admin/nodes');
    expect(listed.json).toMatchObject({ nodes: [{ claimId, hostname: 'test-host', rooms: ['room-1'] }] });
  });

  it('refuses a malformed fault', async () => {
    const { cloud } = await startTestCloud();
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { body: { endpoint: 'nope' } })).status).toBe(400);
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { body: { endpoint: 'env', mode: 'bad-challenge-length' } })).status).toBe(400);
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { rawBody: '{oops' })).status).toBe(400);
  });

  it('changes the settings at run time', async () => {
    const { cloud } = await startTestCloud();
    const answer = await cloudRequest(cloud, 'PUT', '/admin/settings', { body: { transports: [{ type: 'MQTTv3' }] } });
    expect(answer.status).toBe(200);
    expect(cloud.settings().transports).toEqual([{ type: 'MQTTv3' }]);
  });
});

describe('dev cloud: routing and upgrades', () => {
  it('answers 404 and 405 with a cloud error body', async () => {
    const { cloud } = await startTestCloud();
    expect(await cloudRequest(cloud, 'GET', '/nope', { token: null })).toMatchObject({ status: 404, json: { errorMsgKey: 'ErrNotFound' } });
    expect((await cloudRequest(cloud, 'DELETE', '/api/v1/env', { token: null })).status).toBe(405);
  });

  it('answers upgrades 404 until a handler is attached', async () => {
    const { cloud } = await startTestCloud();
    const upgrade = () => new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: cloud.port, ca: cloud.caPem }, () => {
        socket.write('GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) {
          resolve(text.split('\r\n')[0] ?? '');
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
    expect(await upgrade()).toBe('HTTP/1.1 404 Not Found');
    const detach = cloud.onUpgrade((_req, socket) => socket.end('HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\n\r\n'));
    expect(await upgrade()).toBe('HTTP/1.1 418 Teapot');
    detach();
    expect(await upgrade()).toBe('HTTP/1.1 404 Not Found');
  });
});
