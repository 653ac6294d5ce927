/**
 * The secrets of a real run, for tests that prove none of them leaks: the claim and admin tokens,
 * every MQTT password the cloud issues, the private key, and the password of a proxy with credentials
 * (a tinyproxy with Basic auth, when installed).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DevCloud } from '../../../devcloud/index.js';
import { skipWithoutServer, startTinyproxy, type RunningProxy } from '../../support/proxies.js';

export const PROXY_USER = 'secretuser';
export const PROXY_PASSWORD = 'pr0xy-S3cret-pw';

/** A tinyproxy with Basic auth for the file's tests (undefined without tinyproxy, outside CI). */
export function useCredentialProxy(): () => RunningProxy | undefined {
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    if (!skipWithoutServer('tinyproxy')) proxy = await startTinyproxy({ basicAuth: { user: PROXY_USER, password: PROXY_PASSWORD } });
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  return () => proxy;
}

export const proxySettingOf = (proxy: RunningProxy | undefined): string =>
  (proxy ? `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` : 'none');

/** Collects every MQTT username and password the cloud issues from now on. */
export function watchIssuedCredentials(cloud: DevCloud): string[] {
  const issued: string[] = [];
  const issue = cloud.credentials.issue.bind(cloud.credentials);
  cloud.credentials.issue = (claimId) => {
    const credentials = issue(claimId);
    issued.push(credentials.password, credentials.username);
    return credentials;
  };
  return issued;
}

/** Every secret of the run that must never be written or shown. */
export async function secretsOfRun(cloud: DevCloud, cloudDir: string, issued: readonly string[]): Promise<string[]> {
  const pem = await readFile(join(cloudDir, 'private.pem'), 'utf8');
  return [cloud.token, cloud.adminToken, PROXY_PASSWORD, ...issued, pem.trim(), ...pem.split('\n').filter((l) => l.length > 40)];
}
