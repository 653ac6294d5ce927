/**
 * A minimal MQTT 3.1.1 broker for the transport tests: aedes behind a node `https` server and a `ws`
 * WebSocketServer at `/mqtt` (subprotocol `mqtt`); any other path answers 404. The test can watch
 * and inject messages in-process, cut every connection, or freeze them (the broker stops reading).
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { testCerts } from './certs.js';

export interface Delivery { readonly topic: string; readonly payload: Buffer; readonly qos: number; readonly retain: boolean }

export interface AedesTestBroker {
  readonly endpoint: string;
  readonly port: number;
  readonly caPem: string;
  readonly users: Map<string, string>;
  /** Every publish the broker saw from a client (not from the test). */
  readonly seen: Delivery[];
  /** Resolves with the next publish on `topic` (seen before or after the call). */
  waitFor(topic: string, predicate?: (d: Delivery) => boolean, timeoutMs?: number): Promise<Delivery>;
  publish(topic: string, payload: Uint8Array): Promise<void>;
  /** Destroy every client socket (network loss): the broker sends the Last Will. */
  cutAll(): void;
  /** Stop reading from every client socket: pings go unanswered. */
  freezeAll(): void;
  readonly sockets: Set<Duplex>;
  /** WebSocket close codes the server received, in order. */
  readonly closeCodes: number[];
  /** Calls `fn` once, when the next client disconnects (DISCONNECT packet or socket gone). */
  onClientDisconnect(fn: () => void): void;
  close(): Promise<void>;
}

export async function startAedesBroker(): Promise<AedesTestBroker> {
  const certs = await testCerts();
  const users = new Map<string, string>();
  const seen: Delivery[] = [];
  const listeners = new Set<(d: Delivery) => void>();
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      const ok = username !== undefined && users.get(username) === password?.toString('utf8');
      if (ok) done(null, true);
      else done(Object.assign(new Error('bad credentials'), { returnCode: 4 }) as never, false);
    },
  });
  broker.on('publish', (packet, client) => {
    if (!client) return;
    const d: Delivery = { topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos, retain: packet.retain };
    seen.push(d);
    for (const l of [...listeners]) l(d);
  });
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem });
  server.on('request', (_req, res) => { res.writeHead(404).end(); });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  const sockets = new Set<Duplex>();
  const closeCodes: number[] = [];
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/mqtt') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('close', (code) => closeCodes.push(code));
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      // aedes destroys the connection as soon as it reads DISCONNECT; a short grace lets the
      // client's WebSocket close frame arrive first, so its close code can be checked.
      const destroy = stream.destroy.bind(stream);
      stream.destroy = (error?: Error) => {
        setTimeout(() => destroy(error), 100);
        return stream;
      };
      broker.handle(stream, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `wss://localhost:${port}`,
    port,
    caPem: certs.caPem,
    users,
    seen,
    sockets,
    closeCodes,
    waitFor(topic, predicate = () => true, timeoutMs = 10_000) {
      const found = seen.find((d) => d.topic === topic && predicate(d));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`nothing published on ${topic} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (d: Delivery) => {
          if (d.topic !== topic || !predicate(d)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(d);
        };
        listeners.add(listener);
      });
    },
    publish(topic, payload) {
      return new Promise((resolve, reject) => {
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (error) => (error ? reject(error) : resolve()));
      });
    },
    onClientDisconnect(fn) {
      broker.once('clientDisconnect', () => fn());
    },
    cutAll() {
      for (const s of sockets) s.destroy();
    },
    freezeAll() {
      for (const s of sockets) s.pause();
    },
    async close() {
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
