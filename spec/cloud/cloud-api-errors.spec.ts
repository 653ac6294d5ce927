import { createServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from 'node:https';
import { createCloudApi, mapTransportError } from '../../adapters/cloud-api/index.js';
import { createTunnelAgent } from '../../adapters/proxy/index.js';
import { fileChallengeDecryptor } from '../../adapters/identity/index.js';
import { LinkError } from '../../effects/errors.js';
import type { CloudApi } from '../../effects/ports.js';
import type { DevCloud } from '../../devcloud/index.js';
import { startStallProxy } from '../soak/support/stall-proxy.js';
import { cleanupTestResources, claimTestNode, startTestCloud } from '../support/dev-cloud.js';

let cloud: DevCloud;
let claimId: string;
let cloudDir: string;
let api: CloudApi;
const signal = new AbortController().signal;

beforeEach(async () => {
  ({ cloud } = await startTestCloud());
  ({ claimId, cloudDir } = await claimTestNode(cloud));
  api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false }, connectTimeoutMs: 500, requestTimeoutMs: 500 });
});
afterEach(async () => {
  api.closeIdle();
  await cleanupTestResources();
});

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

const env = () => api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal });
const authEndpoint = () => `${cloud.url}/api/v1/auth`;
const challenge = () => api.challenge({ authEndpoint: authEndpoint(), claimId, signal });
/** The dev cloud's env answer when no fault is planted (as parsed by the adapter). */
const normalEnv = () => ({
  authEndpoint: `${cloud.url}/api/v1/auth`,
  encoding: 'proto',
  transports: [{ type: 'MQTTv3', endpoint: `${cloud.url.replace('https:', 'wss:')}/mqtt` }],
  backoff: { base: 2, minSeconds: 0, maxSeconds: 1024 },
  capabilities: ['proto', 'ctx'],
});
const password = () => api.password({ authEndpoint: authEndpoint(), claimId, agentVersion: '1', response: new Uint8Array(32), signal });

describe('cloud api: cloud error answers', () => {
  it('env 409 with errorRetryDelaySeconds 60', async () => {
    cloud.addFault({ endpoint: 'env', status: 409, errorMsgKey: 'ErrDuplicatedChallenge', retryDelaySeconds: 60 });
    const error = await rejection(env());
    expect(error).toMatchObject({ code: 'ENV_NOT_200', httpStatus: 409, cloud: { errorMsgKey: 'ErrDuplicatedChallenge', errorRetryDelaySeconds: 60 } });
    expect(error.message).toContain('retry after 60 s');
    // The fault is spent: the next env request gets the dev cloud's normal answer.
    expect(await env()).toEqual(normalEnv());
  });

  it('env 429', async () => {
    cloud.addFault({ endpoint: 'env', status: 429 });
    expect(await rejection(env())).toMatchObject({ code: 'ENV_NOT_200', httpStatus: 429 });
  });

  it('errorNonRetryable (ban) on each step', async () => {
    cloud.addFault({ endpoint: 'env', status: 403, nonRetryable: true });
    cloud.addFault({ endpoint: 'challenge', status: 403, nonRetryable: true });
    cloud.addFault({ endpoint: 'password', status: 403, nonRetryable: true });
    expect(await rejection(env())).toMatchObject({ code: 'ENV_NOT_200', cloud: { errorNonRetryable: true } });
    expect(await rejection(challenge())).toMatchObject({ code: 'AUTH_CHALLENGE_NOT_200', cloud: { errorNonRetryable: true } });
    expect(await rejection(password())).toMatchObject({ code: 'AUTH_PASSWORD_NOT_201', cloud: { errorNonRetryable: true } });
  });

  it('env for an unknown claim id: 404 with the cloud body', async () => {
    const error = await rejection(api.env({ cloudUrl: cloud.url, claimId: '00000000-0000-4000-8000-000000000000', agentVersion: '1', signal }));
    expect(error).toMatchObject({ code: 'ENV_NOT_200', httpStatus: 404, cloud: { errorMsgKey: 'ErrNodeNotFound' } });
  });

  it('garbage JSON on each step', async () => {
    for (const endpoint of ['env', 'challenge', 'password'] as const) cloud.addFault({ endpoint, mode: 'garbage' });
    expect((await rejection(env())).code).toBe('ENV_BAD_JSON');
    expect((await rejection(challenge())).code).toBe('AUTH_CHALLENGE_BAD_JSON');
    expect((await rejection(password())).code).toBe('AUTH_PASSWORD_BAD_JSON');
  });

  it('a challenge of the wrong length', async () => {
    cloud.addFault({ endpoint: 'challenge', mode: 'bad-challenge-length' });
    const error = await rejection(challenge());
    expect(error.code).toBe('AUTH_CHALLENGE_BAD_LENGTH');
    expect(error.message).toContain('172 characters');
  });
});

describe('cloud api: env answer validation', () => {
  it('keeps only usable MQTTv5/MQTTv3 offers, MQTTv5 first, as wss://host:port/path; none: ENV_NO_TRANSPORT', async () => {
    cloud.configure({
      transports: [
        { type: 'MQTTv3' },
        { type: 'MQTTv7' },
        { type: 'MQTTv5', endpoint: 'ws://plain.example/mqtt' },
        { type: 'MQTTv5', endpoint: 'wss://broker.example/mqtt' },
      ],
    });
    const answer = await env();
    expect(answer.transports.map((t) => `${t.type} ${t.endpoint}`)).toEqual([
      'MQTTv5 wss://broker.example:443/mqtt',
      `MQTTv3 wss://127.0.0.1:${new URL(cloud.url).port}/mqtt`,
    ]);
    cloud.configure({ transports: [{ type: 'MQTTv3' }] });
    expect((await env()).transports.map((t) => t.type)).toEqual(['MQTTv3']);
    cloud.configure({ transports: [{ type: 'QUIC' }] });
    expect((await rejection(env())).code).toBe('ENV_NO_TRANSPORT');
  });

  it('a schema violation: ENV_BAD_SCHEMA', async () => {
    cloud.configure({ backoff: { base: 0, minSeconds: 0, maxSeconds: 100 } });
    expect((await rejection(env())).code).toBe('ENV_BAD_SCHEMA');
    cloud.configure({ backoff: null, encoding: 'xml' });
    expect((await rejection(env())).code).toBe('ENV_BAD_SCHEMA');
    cloud.configure({ encoding: 'json', transports: [] });
    expect((await rejection(env())).code).toBe('ENV_BAD_SCHEMA');
  });

  it('a password answer without the needed topics: AUTH_PASSWORD_NO_TOPICS', async () => {
    cloud.configure({ topics: [{ name: 'inbox-cmd', topic: '/agent/#{claim_id}/inbound/v1/cmd' }] });
    const response = await fileChallengeDecryptor(cloudDir).decrypt(await challenge());
    const error = await rejection(api.password({ authEndpoint: authEndpoint(), claimId, agentVersion: '1', response, signal }));
    expect(error.code).toBe('AUTH_PASSWORD_NO_TOPICS');
    expect(error.message).toContain('agent-connection');
  });
});

describe('cloud api: transport failures', () => {
  it('a slow answer hits the request timeout; a short stall does not', async () => {
    cloud.addFault({ endpoint: 'env', mode: 'stall' });
    const error = await rejection(env());
    expect(error.code).toBe('REQUEST_TIMEOUT');
    cloud.addFault({ endpoint: 'env', mode: 'stall', delayMs: 50 });
    expect(await env()).toEqual(normalEnv());
  });

  it('an abort signal: ABORTED', async () => {
    const controller = new AbortController();
    cloud.addFault({ endpoint: 'env', mode: 'stall' });
    const pending = api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).code).toBe('ABORTED');
    expect((await rejection(api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('no TLS handshake in time: CONNECT_TIMEOUT; nobody listening: CONNECT_REFUSED', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const quick = createCloudApi({ tls: { insecure: true }, connectTimeoutMs: 150, requestTimeoutMs: 5000 });
    expect((await rejection(quick.env({ cloudUrl: `https://127.0.0.1:${port}`, claimId, agentVersion: '1', signal }))).code).toBe('CONNECT_TIMEOUT');
    quick.closeIdle();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    const refused = createCloudApi({ tls: { insecure: true } });
    expect((await rejection(refused.env({ cloudUrl: `https://127.0.0.1:${port}`, claimId, agentVersion: '1', signal }))).code).toBe('CONNECT_REFUSED');
    refused.closeIdle();
  });

  it('a proxy that opens the tunnel and then goes silent: CONNECT_TIMEOUT (the budget covers the TLS handshake inside it)', async () => {
    const proxy = await startStallProxy('connect-stall');
    try {
      const tunnelled = createCloudApi({
        tls: { insecure: false }, connectTimeoutMs: 300, requestTimeoutMs: 5000,
        createAgent: (tls) => createTunnelAgent({ kind: 'http', host: '127.0.0.1', port: proxy.port }, tls) as Agent,
      });
      const error = await rejection(tunnelled.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal }));
      expect(error.code).toBe('CONNECT_TIMEOUT');
      tunnelled.closeIdle();
    } finally {
      await proxy.close();
    }
  });

  it('a connection reset: NETWORK_ERROR', async () => {
    cloud.addFault({ endpoint: 'env', mode: 'reset' });
    expect((await rejection(env())).code).toBe('NETWORK_ERROR');
  });

  it('maps node error codes', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']) {
      expect(mapTransportError(withCode(code), 'x').code).toBe('TLS_VERIFY_FAILED');
    }
    expect(mapTransportError(withCode('ENOTFOUND'), 'x').code).toBe('DNS_FAILED');
    expect(mapTransportError(withCode('EAI_AGAIN'), 'x').code).toBe('DNS_FAILED');
    expect(mapTransportError(withCode('ECONNREFUSED'), 'x').code).toBe('CONNECT_REFUSED');
    expect(mapTransportError(withCode('ECONNRESET'), 'x').code).toBe('NETWORK_ERROR');
    expect(mapTransportError('weird', 'x').code).toBe('NETWORK_ERROR');
    const own = new LinkError('PROXY_REFUSED', 'p');
    expect(mapTransportError(own, 'x')).toBe(own);
  });

  it('an invalid URL: INVALID_URL', async () => {
    expect((await rejection(api.env({ cloudUrl: 'not a url', claimId, agentVersion: '1', signal }))).code).toBe('INVALID_URL');
  });
});
