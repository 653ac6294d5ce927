/**
 * One HTTPS request with node's `https`, a connect timeout, a whole-request timeout, an AbortSignal and
 * a response size limit. Always settles with a response or a coded LinkError.
 */
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { LinkError } from '../../effects/errors.js';
import { mapTransportError } from './transport-errors.js';
import { DEFAULT_USER_AGENT } from '../identity/user-agent.js';

export interface HttpsRequestOptions {
  readonly url: URL;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly agent: Agent;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Larger answers fail with `RESPONSE_TOO_LARGE` (default 1 MiB). */
  readonly maxResponseBytes?: number;
  /** Short description for messages, e.g. `env request`. */
  readonly what: string;
  /** The `User-Agent` header (identity/user-agent.ts); default DEFAULT_USER_AGENT. */
  readonly userAgent?: string;
}

export interface HttpsResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** true when the request went over a kept-alive connection. */
  readonly reusedSocket: boolean;
}

const DEFAULT_MAX_RESPONSE = 1024 * 1024;

export function sendHttpsRequest(options: HttpsRequestOptions): Promise<HttpsResponse> {
  const what = `${options.what} to ${options.url.origin}`;
  if (options.url.protocol !== 'https:') {
    return Promise.reject(new LinkError('NETWORK_ERROR', `${what}: only https: URLs are allowed`));
  }
  if (options.signal?.aborted) return Promise.reject(new LinkError('ABORTED', `${what}: aborted`));
  return new Promise<HttpsResponse>((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: LinkError | null, response?: HttpsResponse): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== null) {
        req.destroy();
        reject(error);
      } else if (response !== undefined) {
        resolve(response);
      }
    };
    const onAbort = (): void => finish(new LinkError('ABORTED', `${what}: aborted`));

    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT, ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = httpsRequest(options.url, { method: options.method, agent: options.agent, headers });

    // The connect budget covers the socket (including a proxy tunnel) and the TLS handshake.
    const connectTimer = setTimeout(
      () => finish(new LinkError('CONNECT_TIMEOUT', `${what}: no TLS connection within ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
    timers.push(connectTimer);
    timers.push(setTimeout(
      () => finish(new LinkError('REQUEST_TIMEOUT', `${what}: no complete answer within ${options.requestTimeoutMs} ms`)),
      options.requestTimeoutMs,
    ));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket: Socket) => {
      if (req.reusedSocket || isConnected(socket)) {
        clearTimeout(connectTimer);
        return;
      }
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (error) => finish(mapTransportError(error, what)));
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          finish(new LinkError('RESPONSE_TOO_LARGE', `${what}: answer larger than ${limit} bytes`, { httpStatus: res.statusCode }));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(mapTransportError(error, what)));
      res.on('aborted', () => finish(new LinkError('NETWORK_ERROR', `${what}: connection closed during the answer`)));
      res.on('end', () => finish(null, {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks),
        reusedSocket: req.reusedSocket,
      }));
    });
    req.end(options.body);
  });
}

/** A socket handed over already connected (and, for TLS, with the handshake done). */
function isConnected(socket: Socket): boolean {
  if (socket.connecting) return false;
  // getProtocol() already names the version while the handshake is still running (a fresh TLS socket
  // over a proxy tunnel); a Finished message is only there once it is done.
  if (socket instanceof TLSSocket) return socket.getFinished() !== undefined;
  return !socket.pending;
}
