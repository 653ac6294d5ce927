import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { claim } from '../../adapters/claim/index.js';
import { LinkError } from '../../effects/errors.js';
import { cleanupTestResources, claimTestNode, makeTempDir, recordingLogger, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

async function nodeDir(): Promise<string> {
  return join(await makeTempDir('aclk-node-'), 'cloud.d');
}

describe('claim: success', () => {
  it('writes keys and cloud.conf with the right modes, and never the token', async () => {
    const { cloud } = await startTestCloud();
    const logger = recordingLogger();
    const { claimId, cloudDir } = await claimTestNode(cloud, { proxy: 'socks5h://proxy:1080', machineGuid: 'AB5E0000-0000-4000-8000-00000000000A', logger });
    expect(claimId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await stat(cloudDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(cloudDir, 'private.pem'))).mode & 0o777).toBe(0o600);
    const conf = await readFile(join(cloudDir, 'cloud.conf'), 'utf8');
    expect(conf).toBe(
      `[global]\n  url = ${cloud.url}\n  proxy = socks5h://proxy:1080\n  insecure = no\n  claimed_id = ${claimId}\n  hostname = test-host\n`,
    );
    const files = await readdir(cloudDir);
    expect(files.sort()).toEqual(['cloud.conf', 'private.pem', 'public.pem']);
    for (const file of files) expect(await readFile(join(cloudDir, file), 'utf8')).not.toContain(cloud.token);
    expect(logger.lines.join('\n')).not.toContain(cloud.token);

    const [node] = cloud.nodes();
    expect(node).toMatchObject({ claimId, hostname: 'test-host', rooms: ['room-1'], machineGuid: 'ab5e0000-0000-4000-8000-00000000000a' });
    expect(node?.publicKeyPem).toBe(await readFile(join(cloudDir, 'public.pem'), 'utf8'));
  });

  it('keeps an existing key pair on a re-claim, with a new claim id', async () => {
    const { cloud } = await startTestCloud();
    const first = await claimTestNode(cloud, { insecure: true });
    const publicPem = await readFile(join(first.cloudDir, 'public.pem'), 'utf8');
    const second = await claimTestNode(cloud, { cloudDir: first.cloudDir });
    expect(second.claimId).not.toBe(first.claimId);
    expect(await readFile(join(first.cloudDir, 'public.pem'), 'utf8')).toBe(publicPem);
    expect(await readFile(join(first.cloudDir, 'cloud.conf'), 'utf8')).toContain(`claimed_id = ${second.claimId}`);
  });

  it('defaults proxy to env and records insecure', async () => {
    const { cloud } = await startTestCloud();
    const { cloudDir } = await claimTestNode(cloud, { insecure: true });
    const conf = await readFile(join(cloudDir, 'cloud.conf'), 'utf8');
    expect(conf).toContain('  proxy = env\n');
    expect(conf).toContain('  insecure = yes\n');
  });
});

describe('claim: final errors', () => {
  it('403: CLAIM_TOKEN_INVALID, nothing retried, no cloud.conf', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = await nodeDir();
    let tries = 0;
    const error = await rejection(claimTestNode(cloud, { cloudDir, token: 'wrong-token', newClaimId: () => (tries += 1, randomUUID()) }));
    expect(error.code).toBe('CLAIM_TOKEN_INVALID');
    expect(error.httpStatus).toBe(403);
    expect(error.message).toMatch(/fresh token/);
    expect(error.message).not.toContain('wrong-token');
    expect(tries).toBe(1);
    expect(await readdir(cloudDir)).not.toContain('cloud.conf');
  });

  it('409: CLAIM_ALREADY_CLAIMED when the claim id is known with another key', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const error = await rejection(claimTestNode(cloud, { newClaimId: () => claimId }));
    expect(error.code).toBe('CLAIM_ALREADY_CLAIMED');
    expect(error.httpStatus).toBe(409);
  });

  it('422 from the cloud\'s own validation: node id, node name, room id', async () => {
    const { cloud } = await startTestCloud();
    expect((await rejection(claimTestNode(cloud, { newClaimId: () => 'not-a-uuid' }))).code).toBe('CLAIM_INVALID_NODE_ID');
    expect((await rejection(claimTestNode(cloud, { hostname: '' }))).code).toBe('CLAIM_INVALID_NODE_NAME');
    const rooms = await rejection(claimTestNode(cloud, { rooms: ['ok', ''] }));
    expect(rooms.code).toBe('CLAIM_INVALID_ROOM_ID');
    expect(rooms.cloud?.errorMsgKey).toBe('ErrInvalidRoomID');
  });

  it('422 keys mapped one by one (injected), unknown key CLAIM_INVALID_REQUEST', async () => {
    const { cloud } = await startTestCloud();
    const expected: Record<string, string> = {
      ErrInvalidNodeID: 'CLAIM_INVALID_NODE_ID',
      ErrInvalidNodeName: 'CLAIM_INVALID_NODE_NAME',
      ErrInvalidRoomID: 'CLAIM_INVALID_ROOM_ID',
      ErrInvalidPublicKey: 'CLAIM_INVALID_PUBLIC_KEY',
      ErrSomethingNew: 'CLAIM_INVALID_REQUEST',
    };
    for (const [key, code] of Object.entries(expected)) {
      cloud.addFault({ endpoint: 'claim', status: 422, errorMsgKey: key });
      const error = await rejection(claimTestNode(cloud));
      expect(error.code, key).toBe(code);
      expect(error.httpStatus).toBe(422);
    }
  });

  it('another status: CLAIM_UNEXPECTED_STATUS', async () => {
    const { cloud } = await startTestCloud();
    cloud.addFault({ endpoint: 'claim', status: 418 });
    expect((await rejection(claimTestNode(cloud))).code).toBe('CLAIM_UNEXPECTED_STATUS');
  });

  it('an untrusted certificate is final: TLS_VERIFY_FAILED', async () => {
    const { cloud } = await startTestCloud();
    let tries = 0;
    const error = await rejection(claimTestNode(cloud, { ca: undefined, newClaimId: () => (tries += 1, randomUUID()) }));
    expect(error.code).toBe('TLS_VERIFY_FAILED');
    expect(tries).toBe(1);
  });

  it('bad options: CLAIM_INVALID_OPTIONS before any network', async () => {
    const cloudDir = await nodeDir();
    const base = { token: 't', rooms: [], cloudDir, hostname: 'h' };
    expect((await rejection(claim({ ...base, url: 'http://insecure.example' }))).code).toBe('CLAIM_INVALID_OPTIONS');
    expect((await rejection(claim({ ...base, url: 'https://x.example', hostname: 'a\nb' }))).code).toBe('CLAIM_INVALID_OPTIONS');
    expect((await rejection(claim({ ...base, url: 'https://x.example', token: '' }))).code).toBe('CLAIM_INVALID_OPTIONS');
  });
});

describe('claim: retries', () => {
  it('retries 500/503/504 and network resets with a new claim id each time, then succeeds', async () => {
    const { cloud } = await startTestCloud();
    for (const status of [500, 503, 504]) cloud.addFault({ endpoint: 'claim', status });
    cloud.addFault({ endpoint: 'claim', mode: 'reset' });
    const ids: string[] = [];
    const pauses: number[] = [];
    const { claimId } = await claimTestNode(cloud, {
      pauseMs: 5,
      sleep: async (ms) => void pauses.push(ms),
      newClaimId: () => {
        const id = randomUUID();
        ids.push(id);
        return id;
      },
    });
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(claimId).toBe(ids[4]);
    expect(pauses).toEqual([5, 5, 5, 5]);
  });

  it('gives up after `retries` tries with the last cause: CLAIM_FAILED_RETRIES', async () => {
    const { cloud } = await startTestCloud();
    cloud.addFault({ endpoint: 'claim', status: 503, times: 3, errorMsgKey: 'ErrBusy' });
    const cloudDir = await nodeDir();
    const error = await rejection(claimTestNode(cloud, { cloudDir, retries: 3 }));
    expect(error.code).toBe('CLAIM_FAILED_RETRIES');
    expect(error.message).toContain('HTTP 503 ErrBusy');
    expect(await readdir(cloudDir)).not.toContain('cloud.conf');
    expect(cloud.nodes()).toHaveLength(0);
  });

  it('retries timeouts and refused connections', async () => {
    const { cloud } = await startTestCloud();
    cloud.addFault({ endpoint: 'claim', mode: 'stall', times: 2 });
    const slow = await rejection(claimTestNode(cloud, { retries: 2, fetchTimeoutMs: 200 }));
    expect(slow.code).toBe('CLAIM_FAILED_RETRIES');
    expect(slow.message).toContain('REQUEST_TIMEOUT');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await rejection(claimTestNode(cloud, { url: `https://127.0.0.1:${port}`, retries: 2 }));
    expect(refused.code).toBe('CLAIM_FAILED_RETRIES');
    expect(refused.message).toContain('CONNECT_REFUSED');
  });
});
