/**
 * Issue 12: every request of the link names the agent and this library in `User-Agent`
 * (`Netdata/<agentVersion> agent-cloud-link/<version>`): the claim, env, challenge and password
 * requests and the WebSocket upgrade. A real createCloudLink auto-claims and connects to a loopback
 * HTTPS server that records each request's headers; the claim body carries mGUID.
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendHttpsRequest } from '../../adapters/cloud-api/https-request.js';
import { Agent } from 'node:https';
import { DEFAULT_USER_AGENT, userAgentFor } from '../../adapters/identity/user-agent.js';
import { COMPULSORY_TOPIC_NAMES } from '../../devcloud/password-topics.js';
import { createCloudLink } from '../../link/cloud-link.js';
import { LINK_VERSION } from '../../link/create-link.js';
import { testCerts } from '../mqtt/support/certs.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

interface Seen { readonly what: string; readonly userAgent: string | undefined; readonly body: string }

/** A cloud that answers claim, env, challenge and password, records every request, and drops the upgrade. */
async function recordingCloud(): Promise<{ url: string; caPem: string; seen: Seen[]; server: Server }> {
  const certs = await testCerts();
  const seen: Seen[] = [];
  let publicKey = '';
  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      const json = (status: number, value?: unknown) => {
        res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      const what = req.method === 'PUT' ? 'claim' : path.startsWith('/api/v1/env') ? 'env' : path.endsWith('/challenge') ? 'challenge' : path.endsWith('/password') ? 'password' : 'other';
      seen.push({ what, userAgent: req.headers['user-agent'], body });
      if (what === 'claim') {
        publicKey = (JSON.parse(body) as { publicKey: string }).publicKey;
        return json(204);
      }
      if (what === 'env') {
        return json(200, { authEndpoint: base, encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint: base }], capabilities: ['proto'] });
      }
      if (what === 'challenge') {
        const challenge = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32));
        return json(200, { challenge: challenge.toString('base64') });
      }
      if (what === 'password') {
        const topics = COMPULSORY_TOPIC_NAMES.map((name) => ({ name, topic: `/agent/#{claim_id}/${name}` }));
        return json(201, { clientID: 'c', username: 'u', password: 'p', topics });
      }
      return json(404);
    });
  });
  server.on('upgrade', (req, socket) => {
    seen.push({ what: 'upgrade', userAgent: req.headers['user-agent'], body: '' });
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, caPem: certs.caPem, seen, server };
}

describe('User-Agent', () => {
  it('claim, env, challenge, password and the WebSocket upgrade all carry Netdata/<agentVersion> agent-cloud-link/<version>', async () => {
    const cloud = await recordingCloud();
    try {
      const root = await makeTempDir('aclk-ua-');
      const caFile = join(root, 'ca.pem');
      await writeFile(caFile, cloud.caPem);
      const guidFile = join(root, 'guid');
      const link = createCloudLink({
        cloudDir: join(root, 'cloud.d'), ca: caFile, agentVersion: 'v2.5.0-test', machineGuidFile: guidFile,
        env: { NETDATA_CLAIM_URL: cloud.url, NETDATA_CLAIM_TOKEN: 'tok' },
        timings: { connectBudgetMs: 5_000 }, claimRetries: { retries: 1 },
      });
      await link.start();
      await vi.waitFor(() => expect(cloud.seen.some((s) => s.what === 'upgrade')).toBe(true), { timeout: 20_000 });
      await link.stop();
      const expected = `Netdata/v2.5.0-test agent-cloud-link/${LINK_VERSION}`;
      const firstOf = (what: string) => cloud.seen.find((s) => s.what === what);
      for (const what of ['claim', 'env', 'challenge', 'password', 'upgrade']) expect([what, firstOf(what)?.userAgent]).toEqual([what, expected]);
      expect(cloud.seen.every((s) => s.userAgent === expected)).toBe(true);
      // The claim body carries the machine GUID kept in the file.
      expect((JSON.parse(firstOf('claim')?.body ?? '{}') as { mGUID?: string }).mGUID).toBe(await readFile(guidFile, 'utf8'));
    } finally {
      await new Promise((resolve) => cloud.server.close(resolve));
    }
  });

  it('a direct caller of the HTTPS adapter sends the default; a given one replaces it', async () => {
    const cloud = await recordingCloud();
    const agent = new Agent({ ca: cloud.caPem });
    try {
      const send = (userAgent?: string) => sendHttpsRequest({
        url: new URL(`${cloud.url}/api/v1/env?v=1`), method: 'GET', agent, what: 'env request', connectTimeoutMs: 5_000, requestTimeoutMs: 5_000,
        ...(userAgent !== undefined ? { userAgent } : {}),
      });
      await send();
      await send('Netdata/x agent-cloud-link/y');
      expect(cloud.seen.map((s) => s.userAgent)).toEqual([DEFAULT_USER_AGENT, 'Netdata/x agent-cloud-link/y']);
    } finally {
      agent.destroy();
      await new Promise((resolve) => cloud.server.close(resolve));
    }
  });

  it('userAgentFor keeps to product tokens whatever the version strings hold', () => {
    expect(userAgentFor('v2.1.0', '0.1.0')).toBe('Netdata/v2.1.0 agent-cloud-link/0.1.0');
    expect(userAgentFor('2.1 beta\r\nX-Evil: 1', '')).toBe('Netdata/2.1_beta__X-Evil:_1 agent-cloud-link/unknown'.replace(':', '_'));
    expect(DEFAULT_USER_AGENT.startsWith('Netdata/')).toBe(true);
  });
});
