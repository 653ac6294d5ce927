/**
 * The local inspector server behind `--inspect`: serves the bridge page (inspector-page.ts) and relays
 * this process's own (sanitised) inspection events to the viewers connected over WebSocket. It
 * replaces `@statelyai/inspect/server`, which listens on every interface, checks no Origin, accepts
 * 100 MiB messages and keeps and relays whatever a client sends. Here:
 * - it listens on 127.0.0.1 unless another host is asked for;
 * - a WebSocket upgrade from a foreign web page is refused with 403 (inspector-origin.ts);
 * - viewers only receive: what they send is dropped unread, a message over `maxPayload` closes the
 *   viewer (1009), more than `maxClientMessages` messages close it (1008);
 * - what it keeps for late viewers is bounded (count and bytes), and a viewer that does not read
 *   (more than `maxQueuedBytes` waiting) is dropped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { LinkError } from '../effects/errors.js';
import { inspectorHosts, isAllowedOrigin, isWildcardHost } from './inspector-origin.js';
import { bridgePage } from './inspector-page.js';
import { BoundedLog } from './inspector-log.js';

export interface InspectorServerOptions {
  /** 0: any free port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Largest message a viewer may send (bytes, default 64 KiB); a larger one closes it with 1009. */
  readonly maxPayload?: number;
  /** A viewer that sends more messages than this (default 16) is closed with 1008. */
  readonly maxClientMessages?: number;
  readonly maxClients?: number;
  /** Events kept for viewers that connect later: at most this many (default 200)... */
  readonly keepEvents?: number;
  /** ...and this many bytes (default 8 MiB). */
  readonly keepBytes?: number;
  /** A viewer with more than this waiting to be sent (default 4 MiB) is dropped. */
  readonly maxQueuedBytes?: number;
}

export interface InspectorServerStats {
  readonly viewers: number;
  readonly keptEvents: number;
  readonly keptBytes: number;
}

export interface InspectorServer {
  /** Open this in a browser. */
  readonly url: string;
  address(): AddressInfo;
  /** Sends one serialised inspection event to every viewer (and keeps it for later ones). */
  publish(message: string): void;
  stats(): InspectorServerStats;
  stop(): Promise<void>;
}

const urlHost = (host: string): string => {
  const h = isWildcardHost(host) ? '127.0.0.1' : host;
  return h.includes(':') ? `[${h}]` : h;
};

function servePage(req: IncomingMessage, res: ServerResponse): void {
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
  } else if ((req.url ?? '/').split('?')[0] !== '/') {
    res.writeHead(404, headers).end();
  } else {
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(req.method === 'GET' ? bridgePage() : undefined);
  }
}

async function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(new LinkError('INSPECT_PORT_IN_USE', `the inspector cannot listen on port ${port} (${error.code}); pick another with --inspect <port>`));
      } else {
        reject(new LinkError('INSPECT_HOST_UNAVAILABLE', `the inspector cannot listen on ${host}:${port} (${error.code ?? error.message}); check --inspect-host`));
      }
    });
    server.listen(port, host, () => resolve());
  });
}

export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  const maxClientMessages = options.maxClientMessages ?? 16;
  const maxClients = options.maxClients ?? 16;
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const kept = new BoundedLog(options.keepEvents ?? 200, options.keepBytes ?? 8 * 1024 * 1024);
  const http = createServer(servePage);
  await listen(http, options.port, host);
  const port = (http.address() as AddressInfo).port;
  const policy = { port, hosts: inspectorHosts(host) };
  const wss = new WebSocketServer({
    server: http,
    maxPayload: options.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    verifyClient: (info, done) => {
      if (!isAllowedOrigin(info.origin, policy)) done(false, 403, 'Forbidden: this page may not read the inspector');
      else if (wss.clients.size >= maxClients) done(false, 503, 'Too many viewers');
      else done(true);
    },
  });
  wss.on('error', () => undefined); // the HTTP server's errors: already reported by listen()
  wss.on('connection', (ws) => {
    let received = 0;
    ws.on('error', () => undefined); // e.g. a message over maxPayload: ws closes it with 1009
    ws.on('message', () => {
      received += 1; // dropped unread: viewers have nothing to say
      if (received > maxClientMessages) ws.close(1008, 'inspector viewers only receive');
    });
    for (const message of kept.items()) ws.send(message);
  });

  return {
    url: `http://${urlHost(host)}:${port}`,
    address: () => http.address() as AddressInfo,
    publish(message) {
      kept.push(message);
      for (const client of wss.clients) {
        if (client.readyState !== WebSocket.OPEN) continue;
        if (client.bufferedAmount > maxQueuedBytes) client.terminate();
        else client.send(message);
      }
    },
    stats: () => ({ viewers: wss.clients.size, keptEvents: kept.count, keptBytes: kept.bytes }),
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
