/**
 * In-process stand-ins for the proxy mutation specs (spec/mutation/proxy-*.spec.ts), on loopback ports:
 * a TLS target that records what each client sent (SNI, connections), an HTTP CONNECT proxy and a
 * SOCKS5 proxy that record what they were asked and tunnel to the target. The real tinyproxy and dante
 * are in spec/proxy/tunnel*.spec.ts; these exist to see the bytes the agents send.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { makeCertificate } from '../proxy/https-target.js';

export interface Target {
  readonly port: number;
  /** PEM of the self-signed certificate (CN localhost, SAN localhost and 127.0.0.1). */
  readonly ca: string;
  /** The SNI name of each TLS connection, in order (false: none sent). */
  readonly servernames: (string | false | null)[];
  /** TCP connections accepted. */
  connections(): number;
  close(): Promise<void>;
}

let certificate: Promise<{ cert: string; key: string }> | undefined;

/** An HTTPS server (or plain HTTP with `plain`) answering every request with 200 "ok". */
export async function startTarget(options: { plain?: boolean; san?: string } = {}): Promise<Target> {
  const servernames: (string | false | null)[] = [];
  let connections = 0;
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('ok');
  let server: http.Server | https.Server;
  let ca = '';
  if (options.plain === true) {
    server = http.createServer(handler);
  } else {
    const { cert, key } = options.san === undefined ? await (certificate ??= makeCertificate()) : await makeCertificate(options.san);
    ca = cert;
    server = https.createServer({ cert, key }, handler);
    server.on('secureConnection', (socket: tls.TLSSocket) => servernames.push(socket.servername));
  }
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    ca,
    servernames,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Buffered reads of exact byte counts from a socket; `rest()` hands back what was read ahead. */
function reader(socket: net.Socket) {
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let closed = false;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  };
  socket.on('data', onData);
  socket.once('close', () => {
    closed = true;
    wake?.();
  });
  return {
    async read(n: number): Promise<Buffer> {
      while (buffered.length < n) {
        if (closed) throw new Error('closed');
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      return out;
    },
    async head(): Promise<string> {
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end !== -1) {
          const text = buffered.subarray(0, end).toString('latin1');
          buffered = buffered.subarray(end + 4);
          return text;
        }
        if (closed) throw new Error('closed');
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    },
    rest(): Buffer {
      socket.off('data', onData);
      socket.pause();
      return buffered;
    },
  };
}

interface Listening {
  readonly port: number;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Connections still open. */
  open(): number;
  close(): Promise<void>;
}

/** A TCP server that keeps track of its sockets (and of the upstream ones `serve` opens). */
async function listen(serve: (socket: net.Socket, track: (s: net.Socket) => void) => void, host = '127.0.0.1'): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  let connections = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = net.createServer((socket) => {
    connections += 1;
    track(socket);
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    serve(socket, track);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    open: () => clients.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Join a client socket to 127.0.0.1:port, after `ready` is written to the client. */
function tunnel(client: net.Socket, port: number, ready: Buffer | string, ahead: Buffer, track: (s: net.Socket) => void): void {
  const upstream = net.connect(port, '127.0.0.1', () => {
    client.write(ready);
    if (ahead.length > 0) upstream.write(ahead);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  track(upstream);
  upstream.once('close', () => client.destroy());
  client.once('close', () => upstream.destroy());
}

export interface ConnectProxy extends Listening {
  /** The head of each CONNECT request: request line and headers, without the blank line. */
  readonly heads: string[];
}

/**
 * An HTTP proxy: answers each CONNECT with `answer` (e.g. "407 Proxy Authentication Required") and
 * closes, or without `answer` opens the tunnel to 127.0.0.1 at the requested port.
 */
export async function startConnectProxy(options: { answer?: string; host?: string } = {}): Promise<ConnectProxy> {
  const heads: string[] = [];
  const listening = await listen((client, track) => {
    const input = reader(client);
    void input.head().then((head) => {
      heads.push(head);
      if (options.answer !== undefined) {
        client.end(`HTTP/1.1 ${options.answer}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const authority = head.split(' ')[1] ?? '';
      const port = Number(authority.slice(authority.lastIndexOf(':') + 1));
      tunnel(client, port, 'HTTP/1.1 200 Connection established\r\n\r\n', input.rest(), track);
    }, () => undefined);
  }, options.host);
  return { ...listening, heads };
}

export interface SocksRequest {
  /** 1 IPv4, 3 domain name, 4 IPv6 (RFC 1928). */
  readonly atyp: number;
  readonly host: string;
  readonly port: number;
}

export interface Socks5Proxy extends Listening {
  /** The methods offered in each greeting. */
  readonly greetings: number[][];
  /** RFC 1929 user name and password of each authentication. */
  readonly logins: { user: string; password: string }[];
  readonly requests: SocksRequest[];
}

/**
 * A SOCKS5 proxy (RFC 1928 CONNECT, RFC 1929 user/password when `auth`), tunnelling to 127.0.0.1 at
 * the requested port whatever the address. `stall`: answer the greeting, then never the request.
 */
export async function startSocks5(options: { auth?: boolean; stall?: boolean; host?: string } = {}): Promise<Socks5Proxy> {
  const greetings: number[][] = [];
  const logins: { user: string; password: string }[] = [];
  const requests: SocksRequest[] = [];
  const listening = await listen((client, track) => {
    const input = reader(client);
    const serve = async () => {
      const [, count = 0] = await input.read(2);
      greetings.push([...(await input.read(count))]);
      client.write(Buffer.from([5, options.auth === true ? 2 : 0]));
      if (options.auth === true) {
        const [, userLength = 0] = await input.read(2);
        const user = (await input.read(userLength)).toString('utf8');
        const [passwordLength = 0] = await input.read(1);
        logins.push({ user, password: (await input.read(passwordLength)).toString('utf8') });
        client.write(Buffer.from([1, 0]));
      }
      const [, , , atyp = 0] = await input.read(4);
      let host: string;
      if (atyp === 1) host = [...(await input.read(4))].join('.');
      else if (atyp === 4) host = hex6(await input.read(16));
      else host = (await input.read((await input.read(1))[0] ?? 0)).toString('latin1');
      const port = (await input.read(2)).readUInt16BE(0);
      requests.push({ atyp, host, port });
      if (options.stall === true) return;
      tunnel(client, port, Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]), input.rest(), track);
    };
    void serve().catch(() => undefined);
  }, options.host);
  return { ...listening, greetings, logins, requests };
}

function hex6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** A TCP server that accepts and never answers. */
export const startSilent = (): Promise<Listening> => listen((socket) => socket.resume());

/** A TCP server that answers anything with an HTTP 400, as an HTTP proxy does to a SOCKS5 greeting. */
export const startHttpSpeaker = (): Promise<Listening> =>
  listen((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));

/** A loopback port with nothing listening. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export { get } from '../proxy/client.js';
