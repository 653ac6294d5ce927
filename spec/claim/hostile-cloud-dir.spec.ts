/**
 * A cloud dir that cannot be made, key files that are not regular files, and temporary files a killed
 * claim left behind.
 */
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claim } from '../../adapters/claim/index.js';
import { makeDirs } from '../../adapters/fs/make-dirs.js';
import { ensurePrivateDir, fileChallengeDecryptor, loadOrCreateKeyPair } from '../../adapters/identity/index.js';
import { removeStaleTempFiles } from '../../adapters/identity/stale-temp.js';
import { LinkError } from '../../effects/errors.js';
import { cleanupTestResources, claimTestNode, makeTempDir, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

/** Node's recursive mkdir spins forever on these; ours must answer well within this. */
const AT_ONCE_MS = 3_000;

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

/** A claim that fails before any request (the URL is never dialled). */
function claimInto(cloudDir: string): Promise<unknown> {
  return claim({ url: 'https://127.0.0.1:9', token: 't', rooms: [], hostname: 'h', cloudDir, retries: 1 });
}

describe('a cloud dir that cannot be created', () => {
  it('claim --cloud-dir /proc/1/x.d: CLAIM_IDENTITY_FAILED at once, naming the dir and the reason', { timeout: AT_ONCE_MS }, async () => {
    const error = await rejection(claimInto('/proc/1/x.d'));
    expect(error.code).toBe('CLAIM_IDENTITY_FAILED');
    expect(error.message).toContain('/proc/1/x.d');
    expect(error.message).toContain('ENOENT');
  });

  it('ensurePrivateDir and makeDirs: DIR_UNUSABLE at once, also below /proc', { timeout: AT_ONCE_MS }, async () => {
    expect(await rejection(ensurePrivateDir('/proc/1/x.d'))).toMatchObject({ code: 'DIR_UNUSABLE' });
    expect(await rejection(makeDirs('/proc/1/x.d/y/z', 0o700))).toMatchObject({
      code: 'DIR_UNUSABLE',
      message: expect.stringContaining('(at /proc/1/x.d)') as unknown,
    });
  });

  it('a regular file in the path: DIR_UNUSABLE naming it', async () => {
    const base = await makeTempDir();
    await writeFile(join(base, 'file'), 'x');
    const error = await rejection(claimInto(join(base, 'file', 'cloud.d')));
    expect(error.code).toBe('CLAIM_IDENTITY_FAILED');
    expect(error.message).toContain(`${join(base, 'file')}): it exists and is not a directory`);
    expect((await rejection(ensurePrivateDir(join(base, 'file')))).code).toBe('DIR_UNUSABLE');
  });

  it('makeDirs creates every missing level with the mode and returns them', async () => {
    const base = await makeTempDir();
    const made = await makeDirs(join(base, 'a', 'b', 'c'), 0o700);
    expect(made).toEqual([join(base, 'a'), join(base, 'a', 'b'), join(base, 'a', 'b', 'c')]);
    expect((await stat(join(base, 'a', 'b'))).mode & 0o077).toBe(0);
    expect(await makeDirs(join(base, 'a', 'b', 'c'), 0o700)).toEqual([]);
  });
});

describe('key files that are not regular files', () => {
  it('a FIFO as public.pem or private.pem: CLAIM_IDENTITY_FAILED at once, the FIFO left alone', { timeout: AT_ONCE_MS }, async () => {
    for (const name of ['public.pem', 'private.pem']) {
      const cloudDir = await makeTempDir();
      // With a real public.pem, the claim reads private.pem too.
      if (name === 'private.pem') await loadOrCreateKeyPair(cloudDir);
      await rm(join(cloudDir, name), { force: true });
      execFileSync('mkfifo', [join(cloudDir, name)]);
      const error = await rejection(claimInto(cloudDir));
      expect(error.code).toBe('CLAIM_IDENTITY_FAILED');
      expect(error.message).toContain(`${name}: it is a FIFO`);
      expect((await lstat(join(cloudDir, name))).isFIFO()).toBe(true);
    }
  });

  it('public.pem symlinked to /dev/zero: CLAIM_IDENTITY_FAILED at once', { timeout: AT_ONCE_MS }, async () => {
    const cloudDir = await makeTempDir();
    await symlink('/dev/zero', join(cloudDir, 'public.pem'));
    const error = await rejection(claimInto(cloudDir));
    expect(error.code).toBe('CLAIM_IDENTITY_FAILED');
    expect(error.message).toContain('character device');
  });

  it('an oversized private.pem is refused, not read', async () => {
    const cloudDir = await makeTempDir();
    await loadOrCreateKeyPair(cloudDir);
    await writeFile(join(cloudDir, 'private.pem'), Buffer.alloc(64 * 1024 + 1, 0x41));
    expect((await rejection(loadOrCreateKeyPair(cloudDir))).code).toBe('FILE_TOO_LARGE');
  });

  it('fileChallengeDecryptor on a FIFO private.pem: AUTH_DECRYPT_FAILED at once', { timeout: AT_ONCE_MS }, async () => {
    const cloudDir = await makeTempDir();
    execFileSync('mkfifo', [join(cloudDir, 'private.pem')]);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cipher = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(16));
    const error = await rejection(fileChallengeDecryptor(cloudDir).decrypt(cipher));
    expect(error.code).toBe('AUTH_DECRYPT_FAILED');
    expect(error.message).toContain('FIFO');
  });
});

describe('temporary files a killed claim left behind', () => {
  const old = new Date(Date.now() - 60 * 60 * 1000);

  it('the next claim removes stale .<name>.<hex>.tmp regular files and touches nothing else', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = await makeTempDir('aclk-node-');
    const stale = ['.private.pem.0123456789ab.tmp', '.public.pem.a1b2c3d4e5f6.tmp', '.cloud.conf.ffffffffffff.tmp'];
    const kept = ['.private.pem.0123456789ab.tmp.bak', '.private.pem.0123456789.tmp', '.other.pem.0123456789ab.tmp', 'notes.txt'];
    for (const name of [...stale, ...kept]) {
      await writeFile(join(cloudDir, name), 'planted');
      await utimes(join(cloudDir, name), old, old);
    }
    // Of our pattern but not a regular file, or too fresh to be stale: left alone.
    await mkdir(join(cloudDir, '.cloud.conf.000000000000.tmp'));
    await symlink(join(cloudDir, 'notes.txt'), join(cloudDir, '.public.pem.111111111111.tmp'));
    await writeFile(join(cloudDir, '.private.pem.222222222222.tmp'), 'being written');
    await claimTestNode(cloud, { cloudDir });
    const left = await readdir(cloudDir);
    for (const name of stale) expect(left).not.toContain(name);
    expect(left.sort()).toEqual(
      [...kept, '.cloud.conf.000000000000.tmp', '.public.pem.111111111111.tmp', '.private.pem.222222222222.tmp', 'cloud.conf', 'private.pem', 'public.pem'].sort(),
    );
    for (const name of kept) expect(await readFile(join(cloudDir, name), 'utf8')).toBe('planted');
  });

  it('removeStaleTempFiles: only the given names, only older than the age', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, '.private.pem.0123456789ab.tmp'), 'x');
    await writeFile(join(dir, '.f.txt.0123456789ab.tmp'), 'x');
    const now = Date.now();
    expect(await removeStaleTempFiles(dir, ['private.pem'], { now })).toEqual([]);
    expect(await removeStaleTempFiles(dir, ['private.pem'], { now: now + 60_000 })).toEqual(['.private.pem.0123456789ab.tmp']);
    expect(await removeStaleTempFiles(dir, [], { now: now + 60_000 })).toEqual([]);
    expect(await readdir(dir)).toEqual(['.f.txt.0123456789ab.tmp']);
    expect(await removeStaleTempFiles(join(dir, 'missing'), ['f.txt'])).toEqual([]);
  });
});
