import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'node:https';
import { createCloudApi, envPath, type AgentTlsOptions } from '../../adapters/cloud-api/index.js';
import { fileChallengeDecryptor } from '../../adapters/identity/index.js';
import { LinkError } from '../../effects/errors.js';
import type { CloudApi } from '../../effects/ports.js';
import { cleanupTestResources, claimTestNode, recordingLogger, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const signal = new AbortController().signal;

async function attempt(api: CloudApi, cloudUrl: string, claimId: string, cloudDir: string) {
  const env = await api.env({ cloudUrl, claimId, agentVersion: '2.0.0', signal });
  const challenge = await api.challenge({ authEndpoint: env.authEndpoint, claimId, signal });
  const response = await fileChallengeDecryptor(cloudDir).decrypt(challenge);
  const credentials = await api.password({ authEndpoint: env.authEndpoint, claimId, agentVersion: '2.0.0', response, signal });
  return { env, challenge, credentials };
}

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

describe('cloud api: env, challenge, password against the dev cloud', () => {
  it('runs the whole flow verifying TLS with the CA', async () => {
    const logger = recordingLogger();
    const { cloud } = await startTestCloud({ logger });
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false }, logger });
    const { env, challenge, credentials } = await attempt(api, cloud.url, claimId, cloudDir);
    api.closeIdle();

    expect(env).toEqual({
      authEndpoint: `${cloud.url}/api/v1/auth`,
      encoding: 'proto',
      transports: [{ type: 'MQTTv3', endpoint: `${cloud.url.replace('https:', 'wss:')}/mqtt` }],
      backoff: { base: 2, minSeconds: 0, maxSeconds: 1024 },
      capabilities: ['proto', 'ctx'],
    });
    expect(challenge).toHaveLength(256);
    expect(credentials.topics).toMatchObject({
      'inbox-cmd': `/agent/${claimId}/inbound/v2/#`,
      'agent-connection': `/agent/${claimId}/outbound/v1/connection`,
      chart: `/agent/${claimId}/outbound/v1/chart`,
    });
    expect(credentials.clientId).toBe(claimId);
    expect(cloud.credentials.verify(credentials.clientId, credentials.username, 'wrong')).toBeUndefined();
    expect(cloud.credentials.verify(credentials.clientId, credentials.username, credentials.password)).toMatchObject({ claimId });
    expect(cloud.credentials.verify(credentials.clientId, credentials.username, credentials.password)).toBeUndefined();

    const log = logger.lines.join('\n');
    expect(log).toContain('MQTT credentials issued');
    expect(log).not.toContain(credentials.password);
    expect(log).not.toContain(cloud.token);
  });

  it('works with insecure and no CA, and fails with TLS_VERIFY_FAILED with neither', async () => {
    const { cloud } = await startTestCloud();
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const insecure = createCloudApi({ tls: { insecure: true } });
    const { env, challenge, credentials } = await attempt(insecure, cloud.url, claimId, cloudDir);
    expect(env.authEndpoint).toBe(`${cloud.url}/api/v1/auth`);
    expect(env.transports).toEqual([{ type: 'MQTTv3', endpoint: `${cloud.url.replace('https:', 'wss:')}/mqtt` }]);
    expect(challenge).toHaveLength(256);
    expect(credentials.clientId).toBe(claimId);
    expect(credentials.topics['agent-connection']).toBe(`/agent/${claimId}/outbound/v1/connection`);
    expect(cloud.credentials.verify(credentials.clientId, credentials.username, credentials.password)).toMatchObject({ claimId });
    insecure.closeIdle();

    const strict = createCloudApi({ tls: { insecure: false } });
    const error = await rejection(strict.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal }));
    expect(error.code).toBe('TLS_VERIFY_FAILED');
    strict.closeIdle();
  });

  it('verifies the host name: localhost is in the certificate', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false } });
    const env = await api.env({ cloudUrl: `https://localhost:${cloud.port}/`, claimId, agentVersion: '1', signal });
    expect(env.encoding).toBe('proto');
    api.closeIdle();
  });

  it('shares one kept-alive TLS connection for the three requests of an attempt', async () => {
    const { cloud } = await startTestCloud();
    const { claimId, cloudDir } = await claimTestNode(cloud);
    let connections = 0;
    cloud.httpsServer.on('secureConnection', () => (connections += 1));
    const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false } });
    await attempt(api, cloud.url, claimId, cloudDir);
    expect(connections).toBe(1);
    api.closeIdle();
    await attempt(api, cloud.url, claimId, cloudDir);
    expect(connections).toBe(2);
    api.closeIdle();
  });

  it('a node whose key does not match: decrypt fails, or a wrong response gets 401', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const other = await claimTestNode(cloud);
    const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false } });
    const env = await api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal });
    const challenge = await api.challenge({ authEndpoint: env.authEndpoint, claimId, signal });
    expect((await rejection(fileChallengeDecryptor(other.cloudDir).decrypt(challenge))).code).toBe('AUTH_DECRYPT_FAILED');

    const wrong = await rejection(api.password({ authEndpoint: env.authEndpoint, claimId, agentVersion: '1', response: new Uint8Array(32), signal }));
    expect(wrong.code).toBe('AUTH_PASSWORD_NOT_201');
    expect(wrong.httpStatus).toBe(401);
    expect(wrong.cloud?.errorMsgKey).toBe('ErrInvalidChallengeResponse');
    api.closeIdle();
  });

  it('a challenge answer is single use', async () => {
    const { cloud } = await startTestCloud();
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false } });
    const authEndpoint = `${cloud.url}/api/v1/auth`;
    const response = await fileChallengeDecryptor(cloudDir).decrypt(await api.challenge({ authEndpoint, claimId, signal }));
    await api.password({ authEndpoint, claimId, agentVersion: '1', response, signal });
    const again = await rejection(api.password({ authEndpoint, claimId, agentVersion: '1', response, signal }));
    expect(again.httpStatus).toBe(401);
    api.closeIdle();
  });

  it('uses the agent factory it is given, with the TLS settings', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const seen: AgentTlsOptions[] = [];
    const api = createCloudApi({
      tls: { ca: cloud.caPem, insecure: false },
      createAgent: (tls) => {
        seen.push(tls);
        return new Agent({ ...tls, keepAlive: true });
      },
    });
    await api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal });
    await api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.rejectUnauthorized).toBe(true);
    expect(String(seen[0]?.ca)).toContain(cloud.caPem.trim());
    api.closeIdle();
    await api.env({ cloudUrl: cloud.url, claimId, agentVersion: '1', signal });
    expect(seen).toHaveLength(2);
    api.closeIdle();
  });

  it('builds the env query', () => {
    expect(envPath('v2.0.0 beta', 'abc')).toBe('/api/v1/env?v=v2.0.0%20beta&cap=proto&claim_id=abc');
    expect(envPath('v2', 'abc', ['proto', 'req_cancel', 'http_api_v2'])).toBe('/api/v1/env?v=v2&cap=proto,req_cancel,http_api_v2&claim_id=abc');
  });
});
