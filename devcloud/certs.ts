/**
 * The dev cloud's TLS material: a CA and a server certificate for 127.0.0.1, localhost and ::1 signed by
 * it. Stored in the state directory and reused; the server certificate is renewed when it is close to
 * expiry or not issued by the CA. The generator (and @peculiar/x509) is loaded only when needed.
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/identity/atomic-file.js';
import { importOptional } from '../link/optional-package.js';

/** @peculiar/x509 and reflect-metadata are optional packages (link/optional-package.ts). */
export const loadCertGenerator = () => importOptional(['@peculiar/x509', 'reflect-metadata'], () => import('./cert-generator.js'));

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const SERVER_CERT_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server-key.pem';

export interface DevCloudCerts {
  readonly caPem: string;
  readonly caPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function loadOrCreateCerts(stateDir: string, nowMs: number): Promise<DevCloudCerts> {
  const path = (name: string): string => join(stateDir, name);
  let caPem = await readText(path(CA_CERT_FILE));
  let caKeyPem = await readText(path(CA_KEY_FILE));
  let renewServer = false;
  if (caPem === null || caKeyPem === null || !stillValid(caPem, nowMs)) {
    const { createCa } = await loadCertGenerator();
    ({ certPem: caPem, keyPem: caKeyPem } = await createCa(nowMs));
    await writeFileAtomic(path(CA_KEY_FILE), caKeyPem, { mode: 0o600 });
    await writeFileAtomic(path(CA_CERT_FILE), caPem, { mode: 0o644 });
    renewServer = true;
  }
  let certPem = await readText(path(SERVER_CERT_FILE));
  let keyPem = await readText(path(SERVER_KEY_FILE));
  if (renewServer || certPem === null || keyPem === null || !stillValid(certPem, nowMs) || !issuedBy(certPem, caPem)) {
    const { createServerCert } = await loadCertGenerator();
    ({ certPem, keyPem } = await createServerCert(caPem, caKeyPem, nowMs));
    await writeFileAtomic(path(SERVER_KEY_FILE), keyPem, { mode: 0o600 });
    await writeFileAtomic(path(SERVER_CERT_FILE), certPem, { mode: 0o644 });
  }
  return { caPem, caPath: path(CA_CERT_FILE), certPem, keyPem };
}

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

/** Valid now and for at least one more day. */
function stillValid(pem: string, nowMs: number): boolean {
  try {
    const cert = new NodeX509(pem);
    return Date.parse(cert.validFrom) <= nowMs && Date.parse(cert.validTo) > nowMs + DAY_MS;
  } catch {
    return false;
  }
}

function issuedBy(certPem: string, caPem: string): boolean {
  try {
    const cert = new NodeX509(certPem);
    const ca = new NodeX509(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}
