export { createChallengeDecryptor, fileChallengeDecryptor, type PrivateKeySource } from './challenge-decryptor.js';
export { generateRsaKeyPair, loadOrCreateKeyPair, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, type KeyPairPem } from './keypair.js';
export { ensurePrivateDir, syncDirectory, writeFileAtomic, type AtomicWriteOptions } from './atomic-file.js';
