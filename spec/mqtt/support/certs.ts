/** One test CA and a server certificate for localhost / 127.0.0.1 / ::1, made once per test file. */
import { createCa, createServerCert } from '../../../devcloud/cert-generator.js';

export interface TestCerts {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

let made: Promise<TestCerts> | null = null;

export function testCerts(): Promise<TestCerts> {
  made ??= (async () => {
    const ca = await createCa(Date.now());
    const server = await createServerCert(ca.certPem, ca.keyPem, Date.now());
    return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
  })();
  return made;
}
