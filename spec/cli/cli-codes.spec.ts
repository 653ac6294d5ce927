/**
 * Codes that say what happened: `aclk state` as another user is LINK_STATE_DENIED (the run is there),
 * a file given on the command line that exists but cannot be read is CLI_FILE_UNREADABLE with the
 * reason (CLI_FILE_NOT_FOUND only when nothing is there), an invalid configuration at start exits 3
 * (2 stays for usage errors), and a TLS_VERIFY_FAILED message gives its advice once.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transportOutcome } from '../../adapters/claim/claim-errors.js';
import { mapTransportError } from '../../adapters/cloud-api/transport-errors.js';
import { serveState } from '../../cli/state-channel.js';
import { cleanupTestResources, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { aclk, childEnv, ensureBuilt, MAIN, type Finished } from './support.js';

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/**
 * `aclk ...args` as a user who may not enter `privateDir` (a 0700 directory of this user): as root,
 * the child runs as nobody; otherwise `privateDir` is made 0000 for the time of the call.
 */
async function aclkAsOtherUser(args: readonly string[], privateDir: string): Promise<Finished> {
  if (!isRoot) await chmod(privateDir, 0o000);
  try {
    return await new Promise((resolve) => {
      execFile(process.execPath, [MAIN, ...args], { env: childEnv(), timeout: 30_000, ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}) }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });
  } finally {
    if (!isRoot) await chmod(privateDir, 0o700);
  }
}

function oneLine(result: Finished, exit: number): string {
  expect(result.code, result.stderr).toBe(exit);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0] as string;
}

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, 'gi'))?.length ?? 0;

describe('codes that say what happened', () => {
  it('aclk state by a user who may not reach the socket: LINK_STATE_DENIED, not LINK_NOT_RUNNING', async () => {
    const privateDir = await makeTempDir('aclk-denied-');
    const cloudDir = join(privateDir, 'cloud.d');
    const server = await serveState(cloudDir, () => ({ pid: process.pid, startedAt: 'now', cloudDir, state: { online: true } }));
    try {
      const line = oneLine(await aclkAsOtherUser(['state', '--cloud-dir', cloudDir], privateDir), 1);
      expect(line).toMatch(/^LINK_STATE_DENIED: this user may not read the state of the aclk run using .*\((EACCES|EPERM) on .*aclk\.sock\): run aclk state as the user that runs aclk run$/);
    } finally {
      await server.close();
    }
  });

  it('a CA file that exists but cannot be read: CLI_FILE_UNREADABLE with the reason; a missing one stays CLI_FILE_NOT_FOUND', async () => {
    const privateDir = await makeTempDir('aclk-unreadable-');
    const ca = join(privateDir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\n');
    const cloudDir = join(await makeTempDir('aclk-unreadable-'), 'cloud.d');
    const denied = oneLine(await aclkAsOtherUser(['run', '--cloud-dir', cloudDir, '--ca', ca], privateDir), 2);
    expect(denied).toBe(`CLI_FILE_UNREADABLE: cannot read the CA file ${ca} (EACCES: permission denied)`);

    const loop = join(privateDir, 'loop.pem');
    await symlink(join(privateDir, 'loop2.pem'), loop);
    await symlink(loop, join(privateDir, 'loop2.pem'));
    expect(oneLine(await aclk(['run', '--cloud-dir', cloudDir, '--ca', loop]), 2)).toBe(`CLI_FILE_UNREADABLE: cannot read the CA file ${loop} (ELOOP: a symbolic link loop)`);
    await mkdir(join(privateDir, 'dir.pem'));
    expect(oneLine(await aclk(['claim', '--url', 'https://127.0.0.1:1', '--token', 't', '--ca', join(privateDir, 'dir.pem')]), 2))
      .toBe(`CLI_FILE_UNREADABLE: cannot read the CA file ${join(privateDir, 'dir.pem')}: it is a directory`);
    expect(oneLine(await aclk(['run', '--cloud-dir', cloudDir, '--ca', join(privateDir, 'none.pem')]), 2)).toMatch(/^CLI_FILE_NOT_FOUND: the CA file .*none\.pem does not exist$/);
  });

  it('an invalid configuration at start exits 3 (EXIT_CONFIG), a usage error still 2', async () => {
    const dir = await makeTempDir('aclk-config-exit-');
    await writeFile(join(dir, 'bad.conf'), '[global]\n    netdata cloud = maybe\n');
    expect(oneLine(await aclk(['run', '--cloud-dir', join(dir, 'cloud.d'), '--config', join(dir, 'bad.conf')]), 3)).toMatch(/^CONFIG_BAD_VALUE: /);
    expect(oneLine(await aclk(['run', '--bogus']), 2)).toMatch(/^CLI_USAGE: /);
    expect((await aclk(['--help'])).stdout).toMatch(/3 invalid configuration/);
  });

  it('TLS_VERIFY_FAILED gives its advice once: the claim adapter, aclk claim, aclk cloud-ctl', async () => {
    const tlsError = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const outcome = transportOutcome(mapTransportError(tlsError, 'claim request to https://x'));
    expect(outcome.kind).toBe('final');
    if (outcome.kind === 'final') expect(count(outcome.error.message, /insecure/), outcome.error.message).toBe(1);

    const { cloud } = await startTestCloud();
    const dir = await makeTempDir('aclk-tls-advice-');
    const claim = oneLine(await aclk(['claim', '--url', cloud.url, '--token', cloud.token, '--cloud-dir', join(dir, 'cloud.d'), '--retries', '1']), 1);
    expect(claim).toMatch(/^TLS_VERIFY_FAILED: claim failed: .*\. Pass the cloud's CA certificate with --ca, or --insecure for a test cloud only$/);
    expect(count(claim, /insecure/), claim).toBe(1);
    expect(count(claim, /CA certificate/), claim).toBe(1);
    const ctl = oneLine(await aclk(['cloud-ctl', 'nodes', '--url', cloud.url, '--admin-token', cloud.adminToken]), 1);
    expect(ctl).toMatch(/^TLS_VERIFY_FAILED: .*\. Pass --ca with the CA path that `aclk cloud` printed, or --insecure$/);
    expect(count(ctl, /insecure/), ctl).toBe(1);
  });
});
