/** Tiny clients for the tunnel tests: one HTTPS GET and one WebSocket echo through an agent. */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import WebSocket from 'ws';
import { freePort } from '../../devcloud/free-port.js';

/** One GET through `agent` (http or https by the URL); resolves with the status and body, rejects with the request's error. */
export function get(url: string, agent: http.Agent, options: https.RequestOptions & { secureContext?: tls.SecureContext } = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { agent, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export const httpsGet = (url: string, agent: http.Agent): Promise<{ status: number; body: string }> => get(url, agent);

/** Open a wss connection through the agent, optionally stay idle, send one message, return the echo. */
export async function wsEcho(url: string, agent: http.Agent, message: string, idleMs = 0): Promise<string> {
  const socket = new WebSocket(url, { agent });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
      socket.once('message', (data) => resolve(String(data)));
      socket.once('open', () => setTimeout(() => socket.send(message), idleMs));
    });
  } finally {
    socket.terminate();
  }
}

/** A TCP server that accepts and never answers: a proxy that hangs during negotiation. */
export async function startSilentServer(): Promise<{ port: number; openSockets(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read (and drop) the request, so the client's FIN is seen
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening. */
export const closedPort = (): Promise<number> => freePort('127.0.0.1');
