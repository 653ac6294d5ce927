/**
 * A free TCP port on `host` (every interface when omitted), closed again right away: a tiny race,
 * acceptable for a development cloud and tests. Nothing listens on it afterwards, so it also serves
 * as a port where a connection is refused.
 */
import { createServer } from 'node:net';

export function freePort(host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
