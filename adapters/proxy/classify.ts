/**
 * Map what the tunnel libraries throw to coded LinkErrors. Read from their sources:
 * - https-proxy-agent 9: the proxy socket's own errors (`ECONNREFUSED`, `ENOTFOUND`... with `code`),
 *   `Error('Proxy connection ended before receiving CONNECT response')`, and on a non-200 answer a
 *   replayed HTTP response (our HttpTunnelAgent turns that into `proxyStatusError` instead).
 * - socks 2 (under socks-proxy-agent 10): `SocksClientError` whose message is one of its ERRORS
 *   strings, or the message of the socket error it swallowed (`connect ECONNREFUSED 127.0.0.1:1080`).
 *   The SOCKS5 reply name follows " - " (e.g. `Socks5 proxy rejected connection - NotAllowed`).
 * - socks5 (local name resolution): a plain `dns.lookup` error for the target host.
 * Causes are attached only for Node system errors: a SocksClientError carries the proxy credentials.
 */
import { LinkError } from '../../effects/errors.js';
import { redactProxy } from './redact.js';
import type { ResolvedProxy } from './types.js';

const UNREACHABLE = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EAI_NONAME'];
const HUNG_UP = ['ECONNRESET', 'EPIPE'];

/**
 * A CONNECT answer other than 200. 401 counts as an authentication failure too: tinyproxy answers
 * 407 when credentials are missing but 401 when they are wrong, and a CONNECT never reaches the target.
 */
export function proxyStatusError(status: number, statusText: string, proxy?: ResolvedProxy): LinkError {
  const auth = status === 407 || status === 401;
  const code = auth ? 'PROXY_AUTH_FAILED' : 'PROXY_REFUSED';
  const what = auth ? 'rejected the credentials' : 'refused the tunnel';
  return new LinkError(code, `${label(proxy)} ${what}: HTTP ${status} ${statusText}`.trim(), { httpStatus: status });
}

export function proxyTimeoutError(timeoutMs: number, proxy?: ResolvedProxy): LinkError {
  return new LinkError('PROXY_TIMEOUT', `${label(proxy)} did not open the tunnel within ${timeoutMs} ms`);
}

export function classifyProxyError(error: unknown, proxy?: ResolvedProxy): LinkError {
  if (error instanceof LinkError) return error;
  if (!(error instanceof Error)) return new LinkError('PROXY_FAILED', `${label(proxy)}: ${String(error)}`);
  if (error.name === 'AbortError' && error.cause instanceof LinkError) return error.cause;

  const system = systemCode(error);
  const message = error.message;
  const who = label(proxy);
  const keep = system === undefined ? {} : { cause: error };

  if (system !== undefined && isTargetLookup(error, proxy)) {
    return new LinkError('DNS_FAILED', `cannot resolve ${hostnameOf(error)} (${system})`, keep);
  }
  const errno = system ?? UNREACHABLE.concat(HUNG_UP, ['ETIMEDOUT']).find((c) => message.includes(c));
  if (errno !== undefined && UNREACHABLE.includes(errno)) {
    return new LinkError('PROXY_UNREACHABLE', `${who} is unreachable (${errno})`, keep);
  }
  if (errno === 'ETIMEDOUT' || message === 'Proxy connection timed out') {
    return new LinkError('PROXY_TIMEOUT', `${who} did not answer in time`, keep);
  }
  if (message.startsWith('Socks5 Authentication failed') || message.includes('no accepted authentication type')) {
    return new LinkError('PROXY_AUTH_FAILED', `${who} rejected the credentials`);
  }
  if (message.startsWith('Proxy authentication failed')) return new LinkError('PROXY_AUTH_FAILED', `${who} rejected the credentials`);
  const rejected = /^Socks[45] proxy rejected connection - (\w+)/i.exec(message);
  if (rejected) return new LinkError('PROXY_REFUSED', `${who} refused the tunnel: ${rejected[1] ?? 'failure'}`);
  if ((errno !== undefined && HUNG_UP.includes(errno)) || message === 'Socket closed' || message.startsWith('Proxy connection ended')) {
    return new LinkError('PROXY_REFUSED', `${who} closed the connection during tunnel negotiation`, keep);
  }
  return new LinkError('PROXY_FAILED', `${who}: tunnel negotiation failed: ${message}`, keep);
}

function label(proxy: ResolvedProxy | undefined): string {
  return proxy === undefined ? 'proxy' : `proxy ${redactProxy(proxy)}`;
}

function systemCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  const syscall = (error as { syscall?: unknown }).syscall;
  return typeof code === 'string' && typeof syscall === 'string' ? code : undefined;
}

function hostnameOf(error: Error): string | undefined {
  const hostname = (error as { hostname?: unknown }).hostname;
  return typeof hostname === 'string' ? hostname : undefined;
}

/** A name-resolution failure for a host other than the proxy: the target (socks5 resolves locally). */
function isTargetLookup(error: Error, proxy: ResolvedProxy | undefined): boolean {
  if ((error as { syscall?: unknown }).syscall !== 'getaddrinfo') return false;
  const hostname = hostnameOf(error);
  return proxy !== undefined && proxy.kind !== 'direct' && hostname !== undefined && hostname.toLowerCase() !== proxy.host;
}
