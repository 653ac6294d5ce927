/** createCloudLink and its configuration, without a cloud: resolution errors are configuration errors. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudLink } from '../../link/cloud-link.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

async function files(lines: string[]) {
  const dir = await makeTempDir();
  const netdataConf = join(dir, 'netdata.conf');
  await writeFile(netdataConf, `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'cloud.conf'), '[global]\nclaimed_id = 11111111-2222-4333-8444-555555555555\n');
  return { netdataConf, cloudDir: dir };
}

describe('createCloudLink configuration', () => {
  it('proxy = env with an unknown scheme in https_proxy: disabled with CONFIG_BAD_VALUE, no attempt', async () => {
    const link = createCloudLink({ ...(await files(['[cloud]', 'proxy = env'])), env: { https_proxy: 'ftp://127.0.0.1:21' } });
    await link.start();
    expect(link.getState()).toMatchObject({ top: 'disabled', reasonCode: 'CONFIG_BAD_VALUE', attempt: 0 });
    expect(link.getState().reason).toContain('PROXY_');
    await link.stop();
  });

  it('a CA file that does not exist: disabled with CONFIG_MISSING; a directory: CONFIG_NOT_REGULAR_FILE', async () => {
    for (const [ca, code] of [['/nonexistent/ca.pem', 'CONFIG_MISSING'], ['/tmp', 'CONFIG_NOT_REGULAR_FILE']] as const) {
      const link = createCloudLink({ ...(await files([])), env: {}, ca });
      await link.start();
      expect(link.getState()).toMatchObject({ top: 'disabled', reasonCode: code });
      await link.stop();
    }
  });

  it('netdata cloud = disable: disabled by the configuration (not by the build), nothing resolved', async () => {
    const link = createCloudLink({ ...(await files(['[global]', 'netdata cloud = disable', '[cloud]', 'proxy = env'])), env: { https_proxy: 'ftp://x' } });
    await link.start();
    expect(link.getState()).toMatchObject({ top: 'disabled', reasonCode: 'DISABLED', available: true });
    await link.stop();
  });

  it('disableCloud: host events cannot turn it on, publish is refused with the build reason', async () => {
    const link = createCloudLink({ ...(await files([])), disableCloud: true });
    expect(link.getState().reasonCode).toBe('CLOUD_DISABLED_BY_BUILD');
    await link.start();
    link.enable();
    link.claimed('11111111-2222-4333-8444-555555555555');
    await link.reload();
    expect(link.getState()).toMatchObject({ top: 'disabled', reasonCode: 'CLOUD_DISABLED_BY_BUILD', reason: 'the cloud is disabled (--disable-cloud)' });
    await expect(link.publish('chart', new Uint8Array(1))).rejects.toMatchObject({ code: 'CLOUD_DISABLED_BY_BUILD' });
    await link.stop();
  });
});
