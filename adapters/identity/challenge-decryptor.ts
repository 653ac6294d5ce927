/**
 * The `ChallengeDecryptor` port: RSA-OAEP with SHA-1 and MGF1-SHA-1 (OpenSSL's defaults), as the cloud
 * encrypts its challenge with the node's public key.
 */
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { LinkError } from '../../effects/errors.js';
import type { ChallengeDecryptor } from '../../effects/ports.js';
import { readBoundedText } from '../fs/bounded-read.js';
import { MAX_KEY_FILE_BYTES, PRIVATE_KEY_FILE } from './keypair.js';

export type PrivateKeySource = string | (() => Promise<string>);

export function createChallengeDecryptor(privateKey: PrivateKeySource): ChallengeDecryptor {
  return {
    async decrypt(challenge: Uint8Array): Promise<Uint8Array> {
      let pem: string;
      try {
        pem = typeof privateKey === 'string' ? privateKey : await privateKey();
      } catch (error) {
        throw new LinkError('AUTH_DECRYPT_FAILED', `cannot read the node's private key: ${describe(error)}`, { cause: error });
      }
      let key: KeyObject;
      try {
        key = createPrivateKey(pem);
      } catch (error) {
        throw new LinkError('AUTH_DECRYPT_FAILED', `the node's private key is not a valid PEM key: ${describe(error)}`, { cause: error });
      }
      try {
        const plain = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, challenge);
        return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
      } catch (error) {
        throw new LinkError(
          'AUTH_DECRYPT_FAILED',
          'cannot decrypt the cloud challenge with the node\'s private key (the key pair does not match the one the cloud knows: re-claim the node)',
          { cause: error },
        );
      }
    },
  };
}

/**
 * Reads `<cloudDir>/private.pem` at every decrypt, so a re-claim that changed the key is picked up.
 * Only a regular file of at most MAX_KEY_FILE_BYTES is read.
 */
export function fileChallengeDecryptor(cloudDir: string): ChallengeDecryptor {
  const path = join(cloudDir, PRIVATE_KEY_FILE);
  return createChallengeDecryptor(async () => {
    const pem = await readBoundedText(path, { maxBytes: MAX_KEY_FILE_BYTES });
    if (pem === undefined) throw new Error(`${path} does not exist`);
    return pem;
  });
}

function describe(error: unknown): string {
  if (error instanceof LinkError) return error.message;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
