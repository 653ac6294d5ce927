/**
 * `insecure` is warned about where the risk begins: `aclk claim --insecure` before the claim request
 * (saying it is stored in cloud.conf), `aclk run` once at start, before the first request, when the
 * configuration it loaded has insecure = yes. Neither warns without insecure.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestResources, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { AclkProcess, aclk, ensureBuilt, stateLine } from './support.js';

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

const CLAIM_WARNING = /claim warn --insecure: the cloud's TLS certificate is not verified/;
const RUN_WARNING = /link warn the configuration has insecure = yes/;

const lineIndex = (stderr: string, pattern: RegExp): number => stderr.split('\n').findIndex((l) => pattern.test(l));

describe('insecure warnings', () => {
  it('aclk claim --insecure warns before the claim request and says cloud.conf keeps it; aclk run warns once before any request', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = join(await makeTempDir('aclk-insecure-'), 'cloud.d');
    const claim = await aclk(['claim', '--url', cloud.url, '--token', cloud.token, '--insecure', '--cloud-dir', cloudDir, '--verbose']);
    expect(claim.code, claim.stderr).toBe(0);
    const warning = lineIndex(claim.stderr, CLAIM_WARNING);
    expect(warning, claim.stderr).toBeGreaterThanOrEqual(0);
    expect(claim.stderr.split('\n')[warning]).toContain(`${join(cloudDir, 'cloud.conf')} (insecure = yes)`);
    expect(warning).toBeLessThan(lineIndex(claim.stderr, /claim info claiming node/));
    expect(await readFile(join(cloudDir, 'cloud.conf'), 'utf8')).toMatch(/insecure = yes/);

    const run = new AclkProcess(['run', '--cloud-dir', cloudDir, '--json', '--verbose']);
    try {
      await run.line(stateLine('connected.online', 'ONLINE'), 30_000);
    } finally {
      await run.stop();
    }
    const first = lineIndex(run.stderr, RUN_WARNING);
    expect(first, run.stderr).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(lineIndex(run.stderr, /link info link connecting\.env/));
    expect(run.stderr.split('\n').filter((l) => RUN_WARNING.test(l))).toHaveLength(1);
  });

  it('no warning without insecure (claim with --ca, then run)', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = join(await makeTempDir('aclk-insecure-'), 'cloud.d');
    const claim = await aclk(['claim', '--url', cloud.url, '--token', cloud.token, '--ca', cloud.caPath, '--cloud-dir', cloudDir]);
    expect(claim.code, claim.stderr).toBe(0);
    expect(claim.stderr).toBe('');
    const run = new AclkProcess(['run', '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--json']);
    try {
      await run.line(stateLine('connected.online', 'ONLINE'), 30_000);
    } finally {
      await run.stop();
    }
    expect(run.stderr).not.toMatch(/insecure/i);
  });
});
