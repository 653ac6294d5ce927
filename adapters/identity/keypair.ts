/**
 * The node's RSA-2048 identity in the cloud directory: `private.pem` (mode 0600) and `public.pem`.
 */
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../effects/ports.js';
import { FileReadError, readBoundedText } from '../fs/bounded-read.js';
import { writeFileAtomic } from './atomic-file.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export const PRIVATE_KEY_FILE = 'private.pem';
export const PUBLIC_KEY_FILE = 'public.pem';
/** The most bytes a key file may hold (an RSA-16384 private key is about 12 KiB). */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface KeyPairPem {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  /** true when this call generated a new pair. */
  readonly created: boolean;
}

export async function generateRsaKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * Keep the existing pair when `public.pem` exists and `private.pem` is a readable RSA key; the public
 * key sent to the cloud is always derived from the private key (and `public.pem` repaired if it
 * disagrees). Otherwise generate a new pair: `private.pem` first, then `public.pem`, so the presence
 * of `public.pem` marks a complete identity. Both files are written atomically. A key file that is
 * not a regular file, or larger than MAX_KEY_FILE_BYTES, is refused (a FileReadError), never replaced.
 */
export async function loadOrCreateKeyPair(cloudDir: string, logger?: Logger): Promise<KeyPairPem> {
  const privatePath = join(cloudDir, PRIVATE_KEY_FILE);
  const publicPath = join(cloudDir, PUBLIC_KEY_FILE);
  const publicPem = await readKeyFile(publicPath);
  if (publicPem !== null) {
    const privatePem = await readKeyFile(privatePath);
    const derived = privatePem === null ? null : derivePublicPem(privatePem);
    if (privatePem !== null && derived !== null) {
      if (normalize(derived) !== normalize(publicPem)) {
        logger?.warn('public.pem does not match private.pem: rewriting it from the private key');
        await writeFileAtomic(publicPath, derived, { mode: 0o644 });
      }
      return { privateKeyPem: privatePem, publicKeyPem: derived, created: false };
    }
    logger?.warn('public.pem exists but private.pem is missing or unreadable: generating a new key pair');
  }
  const pair = await generateRsaKeyPair();
  await writeFileAtomic(privatePath, pair.privateKeyPem, { mode: 0o600 });
  await writeFileAtomic(publicPath, pair.publicKeyPem, { mode: 0o644 });
  return { ...pair, created: true };
}

/** The key file's text; null when missing or unreadable (a new pair is made). Hostile files throw. */
export async function readKeyFile(path: string): Promise<string | null> {
  try {
    return (await readBoundedText(path, { maxBytes: MAX_KEY_FILE_BYTES })) ?? null;
  } catch (error) {
    if (error instanceof FileReadError && error.problem === 'unreadable') return null;
    throw error;
  }
}

function derivePublicPem(privatePem: string): string | null {
  try {
    const key = createPrivateKey(privatePem);
    if (key.asymmetricKeyType !== 'rsa') return null;
    return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
}

function normalize(pem: string): string {
  return pem.replace(/\s+/g, '');
}
