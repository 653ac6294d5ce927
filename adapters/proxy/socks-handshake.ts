/**
 * The SOCKS5 negotiation on a socket we own: TCP connect to the proxy, then `socks`' client on that
 * socket (`existing_socket`), watched the whole time. Owning the socket lets us see the proxy's first
 * bytes, which `socks-proxy-agent` hides until the tunnel is up:
 * - a reply whose first byte is not 5 (an HTTP proxy's `HTTP/1.1 400`...) fails at once: PROXY_FAILED;
 * - a SOCKS5 server answers the greeting (method selection) itself, with no upstream work, so a proxy
 *   that says nothing for half the budget is not speaking SOCKS5 (an HTTP proxy waits for a request
 *   line that never comes): PROXY_TIMEOUT then, well before the caller's own connect budget runs out;
 * - the whole negotiation is bounded by the budget: PROXY_TIMEOUT.
 * Every failure destroys the socket; the caller gets a coded LinkError (classifyProxyError).
 */
import * as net from 'node:net';
import { SocksClient } from 'socks';
import { LinkError } from '../../effects/errors.js';
import { classifyProxyError, proxyTimeoutError } from './classify.js';
import { redactProxy } from './redact.js';
import type { TunnelProxy } from './types.js';

const SOCKS5_VERSION = 0x05;

export interface SocksHandshake {
  readonly proxy: TunnelProxy;
  readonly destination: { readonly host: string; readonly port: number };
  /** Bound on TCP connect plus negotiation. */
  readonly timeoutMs: number;
  /** Aborting destroys the socket (e.g. the request was given up). */
  readonly signal?: AbortSignal;
}

/** The greeting budget: half the negotiation budget. */
export const greetingBudgetMs = (timeoutMs: number): number => Math.max(1, Math.floor(timeoutMs / 2));

/** Resolves with the tunnel's socket (paused, ready for TLS), or rejects with a coded LinkError. */
export function socksHandshake(h: SocksHandshake): Promise<net.Socket> {
  const { proxy, timeoutMs } = h;
  const who = `proxy ${redactProxy(proxy)}`;
  const raw = net.connect({ host: proxy.host, port: proxy.port });
  return new Promise<net.Socket>((resolve, reject) => {
    let greeting: NodeJS.Timeout | undefined;
    let done = false;
    const overall = setTimeout(() => fail(proxyTimeoutError(timeoutMs, proxy)), timeoutMs);
    const settle = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(overall);
      clearTimeout(greeting);
      h.signal?.removeEventListener('abort', onAbort);
      raw.off('error', fail).off('data', onFirstBytes);
      return true;
    };
    function fail(error: unknown): void {
      if (!settle()) return;
      raw.destroy();
      reject(classifyProxyError(error, proxy));
    }
    function onFirstBytes(chunk: Buffer): void {
      clearTimeout(greeting);
      raw.off('data', onFirstBytes);
      if (chunk[0] !== SOCKS5_VERSION) {
        fail(new LinkError('PROXY_FAILED', `${who} is not a SOCKS5 proxy: its reply does not start with version 5 (an HTTP proxy?)`));
      }
    }
    const onAbort = (): void => fail(new LinkError('ABORTED', `${who}: the tunnel was given up`));
    if (h.signal?.aborted === true) return onAbort();
    h.signal?.addEventListener('abort', onAbort); // removed by settle()
    raw.on('error', fail);
    raw.once('connect', () => {
      if (done) return;
      const greetingMs = greetingBudgetMs(timeoutMs);
      greeting = setTimeout(() => fail(new LinkError('PROXY_TIMEOUT',
        `${who} did not answer the SOCKS5 greeting within ${greetingMs} ms (is it a SOCKS5 proxy?)`)), greetingMs);
      // Handed over while connected: socks attaches its listeners and sends the greeting synchronously,
      // and ours is attached in the same tick, so neither misses the first reply bytes.
      SocksClient.createConnection({
        proxy: {
          // socks offers user/password authentication when userId or password is set, and sends '' for a missing one.
          host: proxy.host, port: proxy.port, type: 5, userId: proxy.username, password: proxy.password,
        },
        destination: { host: h.destination.host, port: h.destination.port },
        command: 'connect',
        timeout: timeoutMs,
        existing_socket: raw,
      }).then(({ socket }) => {
        if (settle()) resolve(socket);
        else socket.destroy();
      }, fail);
      raw.on('data', onFirstBytes);
    });
  });
}
