/**
 * One agent type for node `https.request` and `ws` (`new WebSocket(url, { agent })`): TLS runs end to
 * end inside the tunnel, with our CA / verification settings, and kept-alive connections are reused.
 * The agent is built from a ResolvedProxy only; none of these agents reads environment variables.
 */
import * as https from 'node:https';
import type * as http from 'node:http';
import { HttpTunnelAgent } from './http-tunnel.js';
import { SocksTunnelAgent } from './socks-tunnel.js';
import type { ResolvedProxy, TargetTlsOptions } from './types.js';

export type TunnelTls = TargetTlsOptions;

export interface TunnelOptions {
  /** Bound on TCP connect to the proxy plus tunnel negotiation. Default 10 s (PROTOCOL.md section 5). */
  readonly timeoutMs?: number;
}

export const TUNNEL_TIMEOUT_MS = 10_000;

/**
 * `http.Agent` rather than `https.Agent` in the signature: the tunnel agents derive from agent-base's
 * `http.Agent` and are not `instanceof https.Agent`, but both `https.request` and `ws` accept any
 * `http.Agent` and ask it for the socket.
 */
export function createTunnelAgent(proxy: ResolvedProxy, tls: TunnelTls, options: TunnelOptions = {}): http.Agent {
  const target: TargetTlsOptions = {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.secureContext !== undefined ? { secureContext: tls.secureContext } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
  const timeoutMs = options.timeoutMs ?? TUNNEL_TIMEOUT_MS;
  switch (proxy.kind) {
    case 'direct':
      return new https.Agent({ keepAlive: true, ...target });
    case 'http':
      return new HttpTunnelAgent(proxy, timeoutMs, target);
    case 'socks5':
    case 'socks5h':
      return new SocksTunnelAgent(proxy, timeoutMs, target);
  }
}
