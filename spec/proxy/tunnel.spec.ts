/**
 * HTTP CONNECT tunnels through a real tinyproxy, and the direct agent. TLS runs end to end: the
 * client trusts only the target's self-signed certificate.
 */
import type * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { createTunnelAgent, type ResolvedProxy } from '../../adapters/proxy/index.js';
import { skipWithoutServer, startAll, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { closedPort, httpsGet, startSilentServer, wsEcho } from './client.js';
import { startHttpsTarget, type HttpsTarget } from './https-target.js';

// tinyproxy's config grammar allows only [-a-z0-9._] in BasicAuth user and password.
const AUTH = { user: 'aclk', password: 'pass.word-1' };
let target: HttpsTarget;
const agents: http.Agent[] = [];

function agentFor(proxy: ResolvedProxy, options: { ca?: string; timeoutMs?: number } = {}): http.Agent {
  const ca = 'ca' in options ? options.ca : target.ca;
  const agent = createTunnelAgent(proxy, { ca, rejectUnauthorized: true }, { timeoutMs: options.timeoutMs });
  agents.push(agent);
  return agent;
}
const url = () => `https://localhost:${target.port}/`;
const wsUrl = () => `wss://localhost:${target.port}/`;

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

describe('direct agent', () => {
  it('verifies the target with the given CA and keeps alive', async () => {
    const agent = agentFor({ kind: 'direct' });
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
    expect(await wsEcho(wsUrl(), agent, 'hi')).toBe('echo:hi');
  });

  it('ignores proxy environment variables (only the ResolvedProxy decides)', async () => {
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${await closedPort()}`;
    try {
      expect(await httpsGet(url(), agentFor({ kind: 'direct' }))).toEqual({ status: 200, body: target.body });
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });
});

describe.skipIf(skipWithoutServer('tinyproxy'))('HTTP CONNECT through tinyproxy', () => {
  let open: RunningProxy;
  let authed: RunningProxy;
  let restricted: RunningProxy;
  beforeAll(async () => {
    [open, authed, restricted] = (await startAll([
      startTinyproxy(),
      startTinyproxy({ basicAuth: AUTH }),
      startTinyproxy({ connectPorts: [1] }),
    ])) as [RunningProxy, RunningProxy, RunningProxy];
  });
  afterAll(async () => {
    await Promise.all([open, authed, restricted].filter((p) => p !== undefined).map((p) => p.stop()));
  });

  const via = (proxy: RunningProxy, creds: { username?: string; password?: string } = {}): ResolvedProxy => ({
    kind: 'http', host: '127.0.0.1', port: proxy.port, ...creds,
  });

  it('carries HTTPS and wss without credentials', async () => {
    const agent = agentFor(via(open));
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
    expect(await wsEcho(wsUrl(), agent, 'ping')).toBe('echo:ping');
  });

  it('sends Basic credentials', async () => {
    const agent = agentFor(via(authed, { username: AUTH.user, password: AUTH.password }));
    expect(await httpsGet(url(), agent)).toEqual({ status: 200, body: target.body });
    expect(await wsEcho(wsUrl(), agent, 'secret-free')).toBe('echo:secret-free');
  });

  it('TLS is end to end: an untrusted target certificate fails inside the tunnel', async () => {
    const agent = agentFor(via(open), { ca: undefined });
    const error = await httpsGet(url(), agent).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('wrong credentials → PROXY_AUTH_FAILED (tinyproxy answers 401)', async () => {
    const error = await rejection(httpsGet(url(), agentFor(via(authed, { username: AUTH.user, password: 'nope' }))));
    expect(error.code).toBe('PROXY_AUTH_FAILED');
    expect(error.message).not.toContain('nope');
  });

  it('missing credentials → PROXY_AUTH_FAILED (407), also for ws', async () => {
    const error = await rejection(httpsGet(url(), agentFor(via(authed))));
    expect(error).toMatchObject({ code: 'PROXY_AUTH_FAILED', httpStatus: 407 });
    const wsError = await rejection(wsEcho(wsUrl(), agentFor(via(authed)), 'x'));
    expect(wsError.code).toBe('PROXY_AUTH_FAILED');
  });

  it('a forbidden CONNECT port → PROXY_REFUSED', async () => {
    const error = await rejection(httpsGet(url(), agentFor(via(restricted))));
    expect(error).toMatchObject({ code: 'PROXY_REFUSED', httpStatus: 403 });
  });

  it('a target the proxy cannot reach → PROXY_REFUSED', async () => {
    const agent = agentFor(via(open));
    const error = await rejection(httpsGet(`https://localhost:${await closedPort()}/`, agent));
    expect(error.code).toBe('PROXY_REFUSED');
  });
});

describe('HTTP proxy failures without a proxy server', () => {
  it('a closed proxy port → PROXY_UNREACHABLE', async () => {
    const port = await closedPort();
    const error = await rejection(httpsGet(url(), agentFor({ kind: 'http', host: '127.0.0.1', port })));
    expect(error.code).toBe('PROXY_UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
  });

  it('a proxy that never answers CONNECT → PROXY_TIMEOUT, and the socket is closed', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const agent = agentFor({ kind: 'http', host: '127.0.0.1', port: silent.port }, { timeoutMs: 300 });
      const error = await rejection(httpsGet(url(), agent));
      expect(error.code).toBe('PROXY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5000);
      await expect.poll(() => silent.openSockets()).toBe(0);
    } finally {
      await silent.close();
    }
  });
});
