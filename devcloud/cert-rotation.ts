/**
 * Certificate rotation for fault tests: the dev cloud serves either its own server certificate
 * (`trusted`, issued by its CA) or one issued by a throwaway CA nobody trusts (`untrusted`, same
 * names). The HTTPS server, and the aedes broker on it, switch with `setSecureContext` (new
 * connections only; open ones keep their session). Mosquitto reads its certificate files at start:
 * they are rewritten in the state directory and mosquitto is restarted (`crash()` + `restart()`, which
 * drops its connections). An untrusted pair left behind is replaced on the next start, since it is not
 * issued by the cloud's CA.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/identity/atomic-file.js';
import { SERVER_CERT_FILE, SERVER_KEY_FILE } from './certs.js';
import type { DevCloud } from './types.js';
import { loadCertGenerator } from './certs.js';

export type CertificateChoice = 'trusted' | 'untrusted';

export interface CertificateRotation {
  readonly current: CertificateChoice;
  /** Serve that certificate from now on (HTTPS, and the broker's WebSocket listener). */
  use(choice: CertificateChoice): Promise<void>;
}

/** `stateDir`: the cloud's state directory (where its server certificate and key are). */
export async function certificateRotation(cloud: DevCloud, stateDir: string, nowMs = Date.now()): Promise<CertificateRotation> {
  const certPath = join(stateDir, SERVER_CERT_FILE);
  const keyPath = join(stateDir, SERVER_KEY_FILE);
  const trusted = { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
  const { createCa, createServerCert } = await loadCertGenerator();
  const otherCa = await createCa(nowMs);
  const untrusted = await createServerCert(otherCa.certPem, otherCa.keyPem, nowMs);
  let current: CertificateChoice = 'trusted';
  return {
    get current() {
      return current;
    },
    async use(choice) {
      const pair = choice === 'trusted' ? trusted : untrusted;
      cloud.httpsServer.setSecureContext({ cert: pair.certPem, key: pair.keyPem });
      const { broker } = cloud;
      if (broker.kind === 'mosquitto' && broker.crash && broker.restart) {
        await writeFileAtomic(keyPath, pair.keyPem, { mode: 0o600 });
        await writeFileAtomic(certPath, pair.certPem, { mode: 0o644 });
        await broker.crash();
        await broker.restart();
      }
      current = choice;
    },
  };
}
