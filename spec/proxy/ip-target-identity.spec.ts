/**
 * A target addressed by IP is checked against that IP through every tunnel, as it is directly. Found by
 * the mutation pass on adapters/proxy: through HTTP CONNECT and SOCKS5 the certificate used to be checked
 * against "localhost" (tls.connect checks `servername || host || 'localhost'`, an IP has no servername,
 * and both tunnels dropped `host`), so a certificate for "localhost" only was accepted for 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTunnelAgent, type ResolvedProxy } from '../../adapters/proxy/index.js';
import { get, startConnectProxy, startSocks5, startTarget, type ConnectProxy, type Socks5Proxy, type Target } from '../mutation/proxy-servers.js';

let localhostOnly: Target;
let withIp: Target;
let connect: ConnectProxy;
let socks: Socks5Proxy;

beforeAll(async () => {
  localhostOnly = await startTarget({ san: 'DNS:localhost' });
  withIp = await startTarget();
  connect = await startConnectProxy();
  socks = await startSocks5();
}, 60_000);
afterAll(async () => {
  await Promise.all([localhostOnly.close(), withIp.close(), connect.close(), socks.close()]);
});

const KINDS = ['direct', 'http', 'socks5h', 'socks5'] as const;
/** Resolved when the test runs (the proxies start in beforeAll). */
const proxyOf = (kind: (typeof KINDS)[number]): ResolvedProxy =>
  (kind === 'direct' ? { kind } : { kind, host: '127.0.0.1', port: kind === 'http' ? connect.port : socks.port }) as ResolvedProxy;

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as { code?: string });

describe('a target addressed by IP, through each tunnel', () => {
  it.each(KINDS)('%s: a certificate for "localhost" only is refused for 127.0.0.1', async (kind) => {
    const agent = createTunnelAgent(proxyOf(kind), { rejectUnauthorized: true, ca: localhostOnly.ca }, { timeoutMs: 5_000 });
    const error = await failure(get(`https://127.0.0.1:${localhostOnly.port}/`, agent));
    expect(error?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it.each(KINDS)('%s: a certificate that names 127.0.0.1 is accepted', async (kind) => {
    const agent = createTunnelAgent(proxyOf(kind), { rejectUnauthorized: true, ca: withIp.ca }, { timeoutMs: 5_000 });
    expect(await get(`https://127.0.0.1:${withIp.port}/`, agent)).toStrictEqual({ status: 200, body: 'ok' });
  });
});
