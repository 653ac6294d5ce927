/**
 * adapters/proxy/agent.ts and http-tunnel.ts against in-process servers (spec/mutation/proxy-servers.ts):
 * which TLS settings reach the target (CA, prepared context, SNI name, and that an unset one never
 * masks the request's own), keep-alive reuse, the exact Proxy-Authorization header, an IPv6 proxy
 * address, the exact message of a refused CONNECT, and that nothing is left on the request.
 */
import type * as http from 'node:http';
import * as https from 'node:https';
import { createSecureContext } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { createTunnelAgent, type ResolvedProxy, type TunnelTls } from '../../adapters/proxy/index.js';
import { closedPort, get, startConnectProxy, startTarget, type ConnectProxy, type Target } from './proxy-servers.js';

let target: Target;
const agents: http.Agent[] = [];
const closers: (() => Promise<void>)[] = [];

function agentFor(proxy: ResolvedProxy, tls: TunnelTls): http.Agent {
  const agent = createTunnelAgent(proxy, tls, { timeoutMs: 5_000 });
  agents.push(agent);
  return agent;
}
async function connectProxy(options: Parameters<typeof startConnectProxy>[0] = {}): Promise<ConnectProxy> {
  const proxy = await startConnectProxy(options);
  closers.push(() => proxy.close());
  return proxy;
}
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error);
}
const byIp = () => `https://127.0.0.1:${target.port}/`;
const byName = () => `https://localhost:${target.port}/`;

beforeAll(async () => {
  target = await startTarget();
});
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const close of closers.splice(0)) await close();
  target.servernames.length = 0;
});
afterAll(async () => {
  await target.close();
});

describe('direct agent: TLS settings', () => {
  it('keeps the connection alive: two requests, one connection', async () => {
    const before = target.connections();
    const agent = agentFor({ kind: 'direct' }, { rejectUnauthorized: true, ca: target.ca });
    expect(await get(byIp(), agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(await get(byIp(), agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(target.connections() - before).toBe(1);
  });

  it('verifies with a prepared secure context', async () => {
    const agent = agentFor({ kind: 'direct' }, { rejectUnauthorized: true, secureContext: createSecureContext({ ca: target.ca }) });
    expect(await get(byIp(), agent)).toStrictEqual({ status: 200, body: 'ok' });
  });

  it('without a CA of its own the agent does not mask the request\'s CA or context', async () => {
    const agent = agentFor({ kind: 'direct' }, { rejectUnauthorized: true });
    expect(await get(byIp(), agent, { ca: target.ca })).toStrictEqual({ status: 200, body: 'ok' });
    expect(await get(byIp(), agent, { secureContext: createSecureContext({ ca: target.ca }) })).toStrictEqual({ status: 200, body: 'ok' });
    // (a fresh agent: the kept-alive connection above was verified already)
    const fresh = agentFor({ kind: 'direct' }, { rejectUnauthorized: true });
    expect((await failure(get(byIp(), fresh)) as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('sends the configured SNI name; without one, the request\'s own', async () => {
    await get(byIp(), agentFor({ kind: 'direct' }, { rejectUnauthorized: false, servername: 'sni.example' }));
    await get(byIp(), agentFor({ kind: 'direct' }, { rejectUnauthorized: false }), { servername: 'request.example' });
    await get(byName(), agentFor({ kind: 'direct' }, { rejectUnauthorized: false }));
    expect(target.servernames).toStrictEqual(['sni.example', 'request.example', 'localhost']);
  });
});

describe('HTTP CONNECT agent', () => {
  const via = (proxy: ConnectProxy, extra: { username?: string; password?: string } = {}): ResolvedProxy => ({
    kind: 'http', host: '127.0.0.1', port: proxy.port, ...extra,
  });
  const authorization = (head: string | undefined) => /^proxy-authorization: (.*)$/im.exec(head ?? '')?.[1];

  it('opens the tunnel on 200, and keeps it alive: two requests, one CONNECT', async () => {
    const proxy = await connectProxy();
    const agent = agentFor(via(proxy), { rejectUnauthorized: true, ca: target.ca });
    expect(await get(byName(), agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(await get(byName(), agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(proxy.heads).toHaveLength(1);
    expect(proxy.heads[0]?.split('\r\n')[0]).toBe(`CONNECT localhost:${target.port} HTTP/1.1`);
    expect(authorization(proxy.heads[0])).toBeUndefined();
  });

  it('sends Basic credentials, UTF-8, with an empty password when there is none', async () => {
    const proxy = await connectProxy();
    await get(byName(), agentFor(via(proxy, { username: 'aclk', password: 'pä:ss@w' }), { rejectUnauthorized: true, ca: target.ca }));
    await get(byName(), agentFor(via(proxy, { username: 'only-user' }), { rejectUnauthorized: true, ca: target.ca }));
    expect(proxy.heads.map(authorization)).toStrictEqual([
      `Basic ${Buffer.from('aclk:pä:ss@w', 'utf8').toString('base64')}`,
      `Basic ${Buffer.from('only-user:', 'utf8').toString('base64')}`,
    ]);
    expect(proxy.heads.map(authorization)[1]).toBe('Basic b25seS11c2VyOg==');
  });

  it('reaches a proxy at an IPv6 address', async () => {
    const proxy = await connectProxy({ host: '::1' });
    const agent = agentFor({ kind: 'http', host: '::1', port: proxy.port }, { rejectUnauthorized: true, ca: target.ca });
    expect(await get(byName(), agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(proxy.heads).toHaveLength(1);
  });

  it('a CONNECT answered with another status: the exact PROXY_* error, and the target never reached', async () => {
    const before = target.connections();
    const auth = await connectProxy({ answer: '407 Proxy Authentication Required' });
    const error = await failure(get(byName(), agentFor(via(auth), { rejectUnauthorized: true, ca: target.ca })));
    expect(error).toBeInstanceOf(LinkError);
    expect({ code: (error as LinkError).code, message: (error as LinkError).message, httpStatus: (error as LinkError).httpStatus }).toStrictEqual({
      code: 'PROXY_AUTH_FAILED', message: `proxy http://127.0.0.1:${auth.port} rejected the credentials: HTTP 407 Proxy Authentication Required`, httpStatus: 407,
    });
    const refused = await connectProxy({ answer: '403 Forbidden' });
    expect(await failure(get(byName(), agentFor(via(refused), { rejectUnauthorized: true, ca: target.ca })))).toMatchObject({
      code: 'PROXY_REFUSED', message: `proxy http://127.0.0.1:${refused.port} refused the tunnel: HTTP 403 Forbidden`,
    });
    expect(target.connections()).toBe(before);
  });

  it('leaves no listener on the request, whether the tunnel opened or not', async () => {
    const listeners = (agent: http.Agent) => new Promise<number>((resolve) => {
      const req = https.get(byName(), { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(req.listenerCount('proxyConnect')));
      });
      req.on('error', () => resolve(req.listenerCount('proxyConnect')));
    });
    const proxy = await connectProxy();
    expect(await listeners(agentFor(via(proxy), { rejectUnauthorized: true, ca: target.ca }))).toBe(0);
    const port = await closedPort();
    expect(await listeners(agentFor({ kind: 'http', host: '127.0.0.1', port }, { rejectUnauthorized: true, ca: target.ca }))).toBe(0);
  });
});
