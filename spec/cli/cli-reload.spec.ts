/**
 * `aclk run` and SIGHUP: after `netdata cloud = disable` is written and SIGHUP sent, the link
 * disconnects gracefully, goes `disabled` (DISABLED) and makes no further connection attempt: the dev
 * cloud (in this process, so every TLS connection is counted) sees none for several seconds. Then
 * `enable` + SIGHUP connects again, and SIGTERM exits 0.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestResources, claimTestNode, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { AclkProcess, ensureBuilt, stateLine } from './support.js';

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

const conf = (mode: 'enable' | 'disable') => `[global]\n    netdata cloud = ${mode}\n\n[cloud]\n    backoff max seconds = 4\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('aclk run: SIGHUP reloads the configuration', () => {
  it('netdata cloud = disable + SIGHUP: disabled, then no connection attempt at all', async () => {
    const { cloud } = await startTestCloud();
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const config = join(await makeTempDir('aclk-conf-'), 'netdata.conf');
    await writeFile(config, conf('enable'));
    let tls = 0;
    cloud.httpsServer.on('secureConnection', () => (tls += 1));

    const run = new AclkProcess(['run', '--config', config, '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--json']);
    try {
      await run.line(stateLine('connected.online'), 30_000);
      expect(cloud.broker.connectedNodes()).toEqual([claimId]);

      await writeFile(config, conf('disable'));
      run.child.kill('SIGHUP');
      const { index } = await run.line(stateLine('disabled', 'DISABLED'), 15_000);
      expect(run.records().map((r) => r.state)).toContain('connected.disconnecting');
      const seen = tls;
      const printed = run.lines.length;
      await sleep(5_000);
      expect(tls).toBe(seen);
      expect(run.lines.length).toBe(printed);
      expect(cloud.broker.connectedNodes()).toEqual([]);
      expect(run.child.exitCode).toBeNull();

      await writeFile(config, conf('enable'));
      run.child.kill('SIGHUP');
      await run.line(stateLine('connected.online'), 30_000, index + 1);
      expect(await run.stop('SIGTERM')).toBe(0);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await run.stop('SIGKILL');
    }
  }, 90_000);

  it('issue 13: the disabling netdata.conf moved away + SIGHUP stays disabled (CONFIG_MISSING), no connection at all', async () => {
    const { cloud } = await startTestCloud();
    const { cloudDir } = await claimTestNode(cloud);
    const dir = await makeTempDir('aclk-conf-');
    const config = join(dir, 'netdata.conf');
    await writeFile(config, conf('disable'));
    let tls = 0;
    cloud.httpsServer.on('secureConnection', () => (tls += 1));
    const run = new AclkProcess(['run', '--config', config, '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--json']);
    try {
      await run.line(stateLine('disabled', 'DISABLED'), 30_000);
      await rename(config, join(dir, 'elsewhere.conf'));
      run.child.kill('SIGHUP');
      const { line, index } = await run.line(stateLine('disabled', 'CONFIG_MISSING'), 15_000);
      expect(JSON.parse(line)).toMatchObject({ reason: expect.stringContaining(config) });
      await sleep(3_000);
      expect(tls).toBe(0);
      expect(run.records().slice(index + 1).map((r) => r.state)).toEqual([]);
      expect(run.records().map((r) => r.state)).not.toContain('connecting.env');
      expect(run.child.exitCode).toBeNull();
      expect(await run.stop('SIGTERM')).toBe(0);
    } finally {
      await run.stop('SIGKILL');
    }
  }, 60_000);

  it('a malformed configuration at SIGHUP leaves the link disabled with the coded reason, still running', async () => {
    const { cloud } = await startTestCloud();
    const { cloudDir } = await claimTestNode(cloud);
    const config = join(await makeTempDir('aclk-conf-'), 'netdata.conf');
    await writeFile(config, conf('enable'));
    const run = new AclkProcess(['run', '--config', config, '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--json']);
    try {
      await run.line(stateLine('connected.online'), 30_000);
      await writeFile(config, '[global\n');
      run.child.kill('SIGHUP');
      const { line } = await run.line(stateLine('disabled', 'CONFIG_SYNTAX'), 15_000);
      expect(JSON.parse(line)).toMatchObject({ reason: expect.stringContaining('netdata.conf:1') });
      expect(run.child.exitCode).toBeNull();
      expect(await run.stop('SIGTERM')).toBe(0);
    } finally {
      await run.stop('SIGKILL');
    }
  }, 60_000);
});
