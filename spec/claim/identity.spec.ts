import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import {
  createChallengeDecryptor,
  fileChallengeDecryptor,
  loadOrCreateKeyPair,
  writeFileAtomic,
} from '../../adapters/identity/index.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

function pair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function encrypt(publicPem: string, plain: Buffer): Buffer {
  return publicEncrypt({ key: publicPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, plain);
}

async function decryptError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return (error as LinkError).code;
}

describe('challenge decryptor', () => {
  it('decrypts RSA-OAEP SHA-1 and fails with AUTH_DECRYPT_FAILED on another key', async () => {
    const a = pair();
    const b = pair();
    const plain = randomBytes(32);
    const cipher = encrypt(a.publicPem, plain);
    expect(cipher).toHaveLength(256);
    expect(Buffer.from(await createChallengeDecryptor(a.privatePem).decrypt(cipher))).toEqual(plain);
    expect(await decryptError(createChallengeDecryptor(b.privatePem).decrypt(cipher))).toBe('AUTH_DECRYPT_FAILED');
    expect(await decryptError(createChallengeDecryptor('not a key').decrypt(cipher))).toBe('AUTH_DECRYPT_FAILED');
    expect(await decryptError(createChallengeDecryptor(async () => Promise.reject(new Error('gone'))).decrypt(cipher))).toBe('AUTH_DECRYPT_FAILED');
  });

  it('fileChallengeDecryptor reads private.pem at decrypt time', async () => {
    const dir = await makeTempDir();
    const decryptor = fileChallengeDecryptor(dir);
    const plain = randomBytes(16);
    expect(await decryptError(decryptor.decrypt(encrypt(pair().publicPem, plain)))).toBe('AUTH_DECRYPT_FAILED');
    const a = pair();
    await writeFile(join(dir, 'private.pem'), a.privatePem);
    expect(Buffer.from(await decryptor.decrypt(encrypt(a.publicPem, plain)))).toEqual(plain);
    const b = pair();
    await writeFile(join(dir, 'private.pem'), b.privatePem);
    expect(Buffer.from(await decryptor.decrypt(encrypt(b.publicPem, plain)))).toEqual(plain);
  });
});

describe('key pair and atomic files', () => {
  it('generates once, then keeps the pair; repairs a public.pem that does not match', async () => {
    const dir = await makeTempDir();
    const first = await loadOrCreateKeyPair(dir);
    expect(first.created).toBe(true);
    expect((await stat(join(dir, 'private.pem'))).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateKeyPair(dir);
    expect(again).toMatchObject({ created: false, publicKeyPem: first.publicKeyPem });
    await writeFile(join(dir, 'public.pem'), pair().publicPem);
    const repaired = await loadOrCreateKeyPair(dir);
    expect(repaired.created).toBe(false);
    expect(await readFile(join(dir, 'public.pem'), 'utf8')).toBe(first.publicKeyPem);
  });

  it('writes atomically with the given mode and leaves no temporary file', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'f.txt');
    await writeFileAtomic(path, 'one', { mode: 0o600 });
    await writeFileAtomic(path, 'two', { mode: 0o640 });
    expect(await readFile(path, 'utf8')).toBe('two');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['f.txt']);
  });
});
