/**
 * adapters/proxy/classify.ts, exactly: the code, the whole message and the cause of each LinkError,
 * for every error code the tables name, for system errors (a `code` AND a `syscall`) and for the same
 * codes seen only in a message (socks wraps them), with and without a proxy to name.
 * spec/proxy/classify.spec.ts checks the codes for errors shaped like the libraries'; these pin the rest.
 */
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { classifyProxyError, proxyStatusError, proxyTimeoutError, type ResolvedProxy } from '../../adapters/proxy/index.js';

const proxy: ResolvedProxy = { kind: 'socks5', host: 'proxy.example', port: 1080, username: 'u', password: 'pw' };
const WHO = 'proxy socks5://proxy.example:1080';

/** A Node system error: `code` and `syscall` both strings (what net, dns and tls throw). */
function systemError(code: string, syscall: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, ...extra });
}

/** The parts of a LinkError a caller sees. */
const seen = (error: LinkError) => ({ code: error.code, message: error.message, cause: error.cause });

describe('proxyStatusError and proxyTimeoutError messages', () => {
  it('names the proxy, what went wrong and the HTTP answer', () => {
    expect(seen(proxyStatusError(407, 'Proxy Authentication Required', proxy))).toStrictEqual({
      code: 'PROXY_AUTH_FAILED', message: `${WHO} rejected the credentials: HTTP 407 Proxy Authentication Required`, cause: undefined,
    });
    expect(seen(proxyStatusError(401, 'Unauthorized', proxy))).toStrictEqual({
      code: 'PROXY_AUTH_FAILED', message: `${WHO} rejected the credentials: HTTP 401 Unauthorized`, cause: undefined,
    });
    expect(seen(proxyStatusError(403, 'Forbidden', proxy))).toStrictEqual({
      code: 'PROXY_REFUSED', message: `${WHO} refused the tunnel: HTTP 403 Forbidden`, cause: undefined,
    });
    expect(proxyStatusError(403, 'Forbidden', proxy).httpStatus).toBe(403);
  });

  it('an empty status text leaves no trailing blank; without a proxy the label is just "proxy"', () => {
    expect(proxyStatusError(502, '', proxy).message).toBe(`${WHO} refused the tunnel: HTTP 502`);
    expect(proxyStatusError(502, 'Bad Gateway').message).toBe('proxy refused the tunnel: HTTP 502 Bad Gateway');
  });

  it('the timeout names the budget', () => {
    expect(seen(proxyTimeoutError(2500, proxy))).toStrictEqual({
      code: 'PROXY_TIMEOUT', message: `${WHO} did not open the tunnel within 2500 ms`, cause: undefined,
    });
    expect(proxyTimeoutError(10).message).toBe('proxy did not open the tunnel within 10 ms');
  });
});

describe('classifyProxyError: what is passed through', () => {
  it('a thrown non-Error becomes PROXY_FAILED with its text', () => {
    expect(seen(classifyProxyError('a string', proxy))).toStrictEqual({ code: 'PROXY_FAILED', message: `${WHO}: a string`, cause: undefined });
    expect(classifyProxyError(42).message).toBe('proxy: 42');
  });

  it('only an AbortError hands back its LinkError cause; another error with a LinkError cause is classified', () => {
    const timeout = new LinkError('PROXY_TIMEOUT', 'late');
    const wrapped = new Error('wrapped', { cause: timeout });
    expect(seen(classifyProxyError(wrapped, proxy))).toStrictEqual({
      code: 'PROXY_FAILED', message: `${WHO}: tunnel negotiation failed: wrapped`, cause: undefined,
    });
    const abortOther = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: new Error('why') });
    expect(classifyProxyError(abortOther, proxy).code).toBe('PROXY_FAILED');
  });
});

describe('classifyProxyError: name resolution', () => {
  it('a lookup of the target (not the proxy) is DNS_FAILED, naming the host and keeping the cause', () => {
    const error = systemError('ENOTFOUND', 'getaddrinfo', { hostname: 'app.netdata.cloud' });
    expect(seen(classifyProxyError(error, proxy))).toStrictEqual({
      code: 'DNS_FAILED', message: 'cannot resolve app.netdata.cloud (ENOTFOUND)', cause: error,
    });
    // the proxy's own name, in another case: the proxy is unreachable
    const own = systemError('EAI_AGAIN', 'getaddrinfo', { hostname: 'PROXY.example' });
    expect(seen(classifyProxyError(own, proxy))).toStrictEqual({ code: 'PROXY_UNREACHABLE', message: `${WHO} is unreachable (EAI_AGAIN)`, cause: own });
  });

  it('is a target lookup only for a getaddrinfo system error with a host name, and a proxy to compare it with', () => {
    // no proxy given
    const noProxy = systemError('ENOTFOUND', 'getaddrinfo', { hostname: 'app.netdata.cloud' });
    expect(seen(classifyProxyError(noProxy))).toStrictEqual({ code: 'PROXY_UNREACHABLE', message: 'proxy is unreachable (ENOTFOUND)', cause: noProxy });
    // no host name on the error, or not a string
    expect(classifyProxyError(systemError('ENOTFOUND', 'getaddrinfo'), proxy).code).toBe('PROXY_UNREACHABLE');
    expect(classifyProxyError(systemError('ENOTFOUND', 'getaddrinfo', { hostname: 42 }), proxy).code).toBe('PROXY_UNREACHABLE');
    // another syscall, even with a host name
    expect(classifyProxyError(systemError('ECONNREFUSED', 'connect', { hostname: 'app.netdata.cloud' }), proxy).code).toBe('PROXY_UNREACHABLE');
    // a getaddrinfo syscall without a string code is not a system error
    const noCode = Object.assign(new Error('lookup failed'), { syscall: 'getaddrinfo', hostname: 'app.netdata.cloud' });
    expect(seen(classifyProxyError(noCode, proxy))).toStrictEqual({
      code: 'PROXY_FAILED', message: `${WHO}: tunnel negotiation failed: lookup failed`, cause: undefined,
    });
  });
});

describe('classifyProxyError: codes', () => {
  const unreachable = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EAI_NONAME'];

  it.each(unreachable)('%s: PROXY_UNREACHABLE, from a system error (cause kept) or from a message (no cause)', (code) => {
    const system = systemError(code, 'connect');
    expect(seen(classifyProxyError(system, proxy))).toStrictEqual({ code: 'PROXY_UNREACHABLE', message: `${WHO} is unreachable (${code})`, cause: system });
    expect(seen(classifyProxyError(new Error(`connect ${code} 10.0.0.1:1080`), proxy))).toStrictEqual({
      code: 'PROXY_UNREACHABLE', message: `${WHO} is unreachable (${code})`, cause: undefined,
    });
  });

  it.each(['ECONNRESET', 'EPIPE'])('%s: PROXY_REFUSED, closed during negotiation', (code) => {
    const system = systemError(code, 'read');
    expect(seen(classifyProxyError(system, proxy))).toStrictEqual({
      code: 'PROXY_REFUSED', message: `${WHO} closed the connection during tunnel negotiation`, cause: system,
    });
    expect(seen(classifyProxyError(new Error(`write ${code}`), proxy))).toStrictEqual({
      code: 'PROXY_REFUSED', message: `${WHO} closed the connection during tunnel negotiation`, cause: undefined,
    });
  });

  it('ETIMEDOUT and socks\' own timeout: PROXY_TIMEOUT', () => {
    const system = systemError('ETIMEDOUT', 'connect');
    expect(seen(classifyProxyError(system, proxy))).toStrictEqual({ code: 'PROXY_TIMEOUT', message: `${WHO} did not answer in time`, cause: system });
    expect(seen(classifyProxyError(new Error('connect ETIMEDOUT 10.0.0.1:1080'), proxy))).toStrictEqual({
      code: 'PROXY_TIMEOUT', message: `${WHO} did not answer in time`, cause: undefined,
    });
    expect(classifyProxyError(new Error('Proxy connection timed out'), proxy).code).toBe('PROXY_TIMEOUT');
  });

  it('another system error code is PROXY_FAILED with its cause, not a hang-up', () => {
    const system = systemError('EPROTO', 'write');
    expect(seen(classifyProxyError(system, proxy))).toStrictEqual({
      code: 'PROXY_FAILED', message: `${WHO}: tunnel negotiation failed: write EPROTO`, cause: system,
    });
  });

  it('a system error needs both a string code and a string syscall', () => {
    const codeOnly = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(seen(classifyProxyError(codeOnly, proxy))).toStrictEqual({
      code: 'PROXY_FAILED', message: `${WHO}: tunnel negotiation failed: refused`, cause: undefined,
    });
    const numericCode = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:1080'), { code: 111, syscall: 'connect' });
    expect(seen(classifyProxyError(numericCode, proxy))).toStrictEqual({ code: 'PROXY_UNREACHABLE', message: `${WHO} is unreachable (ECONNREFUSED)`, cause: undefined });
  });
});

describe('classifyProxyError: socks and https-proxy-agent messages', () => {
  it('authentication failures, matched at the start of the message, carry no cause', () => {
    const expected = { code: 'PROXY_AUTH_FAILED', message: `${WHO} rejected the credentials`, cause: undefined };
    expect(seen(classifyProxyError(new Error('Socks5 Authentication failed'), proxy))).toStrictEqual(expected);
    expect(seen(classifyProxyError(new Error('Socks5 Authentication failed (status 1)'), proxy))).toStrictEqual(expected);
    expect(seen(classifyProxyError(new Error('Received invalid Socks5 initial handshake (no accepted authentication type)'), proxy))).toStrictEqual(expected);
    expect(seen(classifyProxyError(new Error('Proxy authentication failed with status 407'), proxy))).toStrictEqual(expected);
    expect(classifyProxyError(new Error('upstream: Proxy authentication failed'), proxy).code).toBe('PROXY_FAILED');
  });

  it('a SOCKS reply refusal names the reply; only at the start of the message', () => {
    expect(seen(classifyProxyError(new Error('Socks5 proxy rejected connection - HostUnreachable'), proxy))).toStrictEqual({
      code: 'PROXY_REFUSED', message: `${WHO} refused the tunnel: HostUnreachable`, cause: undefined,
    });
    expect(classifyProxyError(new Error('socks4 proxy rejected connection - Failed'), proxy).message).toBe(`${WHO} refused the tunnel: Failed`);
    expect(seen(classifyProxyError(new Error('relay: Socks5 proxy rejected connection - NotAllowed'), proxy))).toStrictEqual({
      code: 'PROXY_FAILED', message: `${WHO}: tunnel negotiation failed: relay: Socks5 proxy rejected connection - NotAllowed`, cause: undefined,
    });
  });

  it('a closed socket or an ended CONNECT is PROXY_REFUSED without a cause', () => {
    const closed = { code: 'PROXY_REFUSED', message: `${WHO} closed the connection during tunnel negotiation`, cause: undefined };
    expect(seen(classifyProxyError(new Error('Socket closed'), proxy))).toStrictEqual(closed);
    expect(seen(classifyProxyError(new Error('Proxy connection ended before receiving CONNECT response'), proxy))).toStrictEqual(closed);
  });

  it('anything else: PROXY_FAILED with the message', () => {
    expect(seen(classifyProxyError(new Error('Received invalid Socks5 initial handshake (invalid socks version)')))).toStrictEqual({
      code: 'PROXY_FAILED', message: 'proxy: tunnel negotiation failed: Received invalid Socks5 initial handshake (invalid socks version)', cause: undefined,
    });
  });
});
