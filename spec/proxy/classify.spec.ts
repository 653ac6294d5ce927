/** classifyProxyError on errors shaped exactly like those https-proxy-agent, socks and node throw. */
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { classifyProxyError, proxyStatusError, type ResolvedProxy } from '../../adapters/proxy/index.js';

const proxy: ResolvedProxy = { kind: 'socks5', host: 'proxy.example', port: 1080, username: 'u', password: 'pw-secret' };

function systemError(code: string, syscall: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${syscall} ${code} ${String(extra.hostname ?? '127.0.0.1:1080')}`), { code, syscall, ...extra });
}
/** socks' SocksClientError: a message string and the options (with credentials) attached. */
function socksError(message: string): Error {
  const error = new Error(message);
  error.name = 'SocksClientError';
  return Object.assign(error, { options: { proxy: { host: 'proxy.example', password: 'pw-secret' } } });
}

describe('classifyProxyError', () => {
  it.each([
    [systemError('ECONNREFUSED', 'connect'), 'PROXY_UNREACHABLE'],
    [systemError('EHOSTUNREACH', 'connect'), 'PROXY_UNREACHABLE'],
    [systemError('ENOTFOUND', 'getaddrinfo', { hostname: 'proxy.example' }), 'PROXY_UNREACHABLE'],
    [systemError('ENOTFOUND', 'getaddrinfo', { hostname: 'app.netdata.cloud' }), 'DNS_FAILED'],
    [systemError('ETIMEDOUT', 'connect'), 'PROXY_TIMEOUT'],
    [systemError('ECONNRESET', 'read'), 'PROXY_REFUSED'],
    [new Error('Proxy connection ended before receiving CONNECT response'), 'PROXY_REFUSED'],
    [new Error('Proxy authentication failed with status 407 after retry'), 'PROXY_AUTH_FAILED'],
    [socksError('connect ECONNREFUSED 127.0.0.1:1080'), 'PROXY_UNREACHABLE'],
    [socksError('getaddrinfo ENOTFOUND proxy.example'), 'PROXY_UNREACHABLE'],
    [socksError('Proxy connection timed out'), 'PROXY_TIMEOUT'],
    [socksError('Socks5 Authentication failed'), 'PROXY_AUTH_FAILED'],
    [socksError('Received invalid Socks5 initial handshake (no accepted authentication type)'), 'PROXY_AUTH_FAILED'],
    [socksError('Socks5 proxy rejected connection - NotAllowed'), 'PROXY_REFUSED'],
    [socksError('Socks5 proxy rejected connection - HostUnreachable'), 'PROXY_REFUSED'],
    [socksError('Socket closed'), 'PROXY_REFUSED'],
    [socksError('Received invalid Socks5 initial handshake (invalid socks version)'), 'PROXY_FAILED'],
    ['a string', 'PROXY_FAILED'],
  ])('%s → %s', (error, code) => {
    const mapped = classifyProxyError(error, proxy);
    expect(mapped).toBeInstanceOf(LinkError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).not.toContain('pw-secret');
    expect(JSON.stringify(mapped.toFailure())).not.toContain('pw-secret');
  });

  it('keeps a LinkError and unwraps the timeout carried by an AbortError', () => {
    const original = new LinkError('PROXY_TIMEOUT', 'late');
    expect(classifyProxyError(original)).toBe(original);
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: original });
    expect(classifyProxyError(abort)).toBe(original);
  });

  it('attaches only Node system errors as the cause (a SocksClientError carries the credentials)', () => {
    expect(classifyProxyError(systemError('ECONNREFUSED', 'connect'), proxy).cause).toBeDefined();
    expect(classifyProxyError(socksError('Socks5 Authentication failed'), proxy).cause).toBeUndefined();
  });
});

describe('proxyStatusError', () => {
  it.each([
    [407, 'PROXY_AUTH_FAILED'],
    [401, 'PROXY_AUTH_FAILED'],
    [403, 'PROXY_REFUSED'],
    [502, 'PROXY_REFUSED'],
  ])('CONNECT answered %i → %s', (status, code) => {
    expect(proxyStatusError(status, 'x', proxy)).toMatchObject({ code, httpStatus: status });
  });
});
