/**
 * SOCKS5 tunnels through a real dante server (`danted`): socks5 (name resolved here) and socks5h
 * (name resolved by the proxy), RFC 1929 user/password auth against a system user, rule refusals,
 * and the tunnel's idle behaviour.
 */
import type * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { createTunnelAgent, type ResolvedProxy } from '../../adapters/proxy/index.js';
import { ensureSystemUser, skipWithoutServer, startAll, startDante, type RunningProxy } from '../support/proxies.js';
import { closedPort, httpsGet, startSilentServer, wsEcho } from './client.js';
import { startHttpsTarget, type HttpsTarget } from './https-target.js';

const USER = { name: 'aclkproxytest', password: 'Socks-Pa55' };
let target: HttpsTarget;
const agents: http.Agent[] = [];

function agentFor(proxy: ResolvedProxy, timeoutMs?: number): http.Agent {
  const agent = createTunnelAgent(proxy, { ca: target.ca, rejectUnauthorized: true }, { timeoutMs });
  agents.push(agent);
  return agent;
}
const url = () => `https://localhost:${target.port}/`;

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

beforeAll(async () => {
  target = await startHttpsTarget();
});
afterAll(async () => {
  for (const agent of agents) agent.destroy();
  await target.close();
});

describe.skipIf(skipWithoutServer('dante'))('SOCKS5 through dante', () => {
  let open: RunningProxy;
  let authed: RunningProxy;
  let blocking: RunningProxy;
  let user: { remove(): Promise<void> } | undefined;
  beforeAll(async () => {
    user = await ensureSystemUser(USER.name, USER.password);
    [open, authed, blocking] = (await startAll([
      startDante(),
      startDante({ method: 'username' }),
      startDante({ blockPorts: [target.port] }),
    ])) as [RunningProxy, RunningProxy, RunningProxy];
  });
  afterAll(async () => {
    await Promise.all([open, authed, blocking].filter((p) => p !== undefined).map((p) => p.stop()));
    await user?.remove();
  });

  const via = (proxy: RunningProxy, kind: 'socks5' | 'socks5h' = 'socks5h', creds = {}): ResolvedProxy => ({
    kind, host: '127.0.0.1', port: proxy.port, ...creds,
  });

  it.each(['socks5', 'socks5h'] as const)('%s carries HTTPS and wss', async (kind) => {
    const agent = agentFor(via(open, kind));
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
    expect(await wsEcho(`wss://localhost:${target.port}/`, agent, kind)).toBe(`echo:${kind}`);
  });

  it('socks5 resolves the target here, socks5h lets the proxy do it', async () => {
    const unknown = 'no-such-host.invalid';
    const local = await rejection(httpsGet(`https://${unknown}/`, agentFor(via(open, 'socks5'))));
    expect(local.code).toBe('DNS_FAILED');
    const remote = await rejection(httpsGet(`https://${unknown}/`, agentFor(via(open, 'socks5h'))));
    expect(remote.code).toBe('PROXY_REFUSED');
  });

  it('user/password authentication (RFC 1929)', async () => {
    const agent = agentFor(via(authed, 'socks5h', { username: USER.name, password: USER.password }));
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
  });

  it('a wrong password → PROXY_AUTH_FAILED', async () => {
    const agent = agentFor(via(authed, 'socks5h', { username: USER.name, password: 'wrong' }));
    const error = await rejection(httpsGet(url(), agent));
    expect(error.code).toBe('PROXY_AUTH_FAILED');
    expect(error.message).not.toContain('wrong');
  });

  it('no credentials where they are required → PROXY_AUTH_FAILED', async () => {
    expect((await rejection(httpsGet(url(), agentFor(via(authed))))).code).toBe('PROXY_AUTH_FAILED');
  });

  it('a rule that blocks the target → PROXY_REFUSED', async () => {
    const error = await rejection(httpsGet(url(), agentFor(via(blocking))));
    expect(error.code).toBe('PROXY_REFUSED');
    expect(error.message).toContain('NotAllowed');
  });

  it('the negotiation timeout does not linger as an idle timeout on the tunnel', async () => {
    const agent = agentFor(via(open), 200);
    expect(await wsEcho(`wss://localhost:${target.port}/`, agent, 'late', 600)).toBe('echo:late');
  });
});

describe('SOCKS5 agent construction', () => {
  it('strips the brackets of an IPv6 proxy address (socks-proxy-agent keeps them)', () => {
    const agent = agentFor({ kind: 'socks5h', host: '::1', port: 1080, username: 'u', password: 'p w' });
    expect((agent as unknown as { proxy: { host: string } }).proxy.host).toBe('::1');
  });
});

describe('SOCKS5 failures without a proxy server', () => {
  it('a closed proxy port → PROXY_UNREACHABLE', async () => {
    const port = await closedPort();
    const error = await rejection(httpsGet(url(), agentFor({ kind: 'socks5h', host: '127.0.0.1', port })));
    expect(error.code).toBe('PROXY_UNREACHABLE');
  });

  it('a proxy that never answers → PROXY_TIMEOUT', async () => {
    const silent = await startSilentServer();
    try {
      const error = await rejection(httpsGet(url(), agentFor({ kind: 'socks5', host: '127.0.0.1', port: silent.port }, 300)));
      expect(error.code).toBe('PROXY_TIMEOUT');
      await expect.poll(() => silent.openSockets()).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
