/**
 * Certificate generation for the dev cloud: ECDSA P-256 keys, made with @peculiar/x509 over node's
 * webcrypto (no openssl CLI). @peculiar/x509 needs a Reflect metadata polyfill, loaded first.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const crypto = webcrypto;
const x509Crypto = webcrypto as unknown as X509Crypto;

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function privatePem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function serial(): string {
  // Positive, 16 bytes.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function createCa(nowMs: number): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Agent-Cloud Link dev cloud CA',
    notBefore: new Date(nowMs - DAY_MS),
    notAfter: new Date(nowMs + 3650 * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, x509Crypto),
    ],
  }, x509Crypto);
  return { certPem: cert.toString('pem'), keyPem: await privatePem(keys.privateKey) };
}

export async function createServerCert(caPem: string, caKeyPem: string, nowMs: number): Promise<PemPair> {
  const ca = new x509.X509Certificate(caPem);
  const caKeyDer = createPrivateKey(caKeyPem).export({ type: 'pkcs8', format: 'der' });
  const caKey = await crypto.subtle.importKey('pkcs8', caKeyDer, KEY_ALGORITHM, false, ['sign']);
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore: new Date(nowMs - DAY_MS),
    notAfter: new Date(nowMs + 397 * DAY_MS),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '::1' },
      ], false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, x509Crypto),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false, x509Crypto),
    ],
  }, x509Crypto);
  return { certPem: cert.toString('pem'), keyPem: await privatePem(keys.privateKey) };
}
