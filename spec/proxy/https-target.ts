/**
 * The far end of a tunnel test: an HTTPS server (and a WebSocket server on the same port) on
 * 127.0.0.1, named `localhost`, with a self-signed certificate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';

const run = promisify(execFile);

export interface HttpsTarget {
  readonly port: number;
  /** PEM of the self-signed certificate: the CA the client must trust. */
  readonly ca: string;
  readonly body: string;
  close(): Promise<void>;
}

/**
 * Self-signed ECDSA certificate for localhost/127.0.0.1 made with the `openssl` CLI (Debian package
 * `openssl`). Not @peculiar/x509: it needs a Reflect metadata polyfill (tsyringe) that is not installed.
 */
export async function makeCertificate(san = 'DNS:localhost,IP:127.0.0.1'): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'aclk-cert-'));
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    const [cert, key] = await Promise.all([readFile(join(dir, 'cert.pem'), 'utf8'), readFile(join(dir, 'key.pem'), 'utf8')]);
    return { cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startHttpsTarget(body = 'hello through the tunnel'): Promise<HttpsTarget> {
  const { cert, key } = await makeCertificate();
  const server = https.createServer({ cert, key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    ca: cert,
    body,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
