/**
 * adapters/proxy/socks-tunnel.ts and socks-handshake.ts against an in-process SOCKS5 server
 * (spec/mutation/proxy-servers.ts) that records the greeting, the RFC 1929 login and the CONNECT
 * request: what is sent for socks5 and socks5h, the SNI name inside the tunnel, plain HTTP, keep-alive,
 * the exact message of each failure (not SOCKS5, silent greeting, stalled request, given up), and that
 * the handshake leaves no timer-driven or listener residue on the request, the signal or the socket.
 */
import { lookup } from 'node:dns/promises';
import { EventEmitter, getEventListeners } from 'node:events';
import type * as http from 'node:http';
import type * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { createTunnelAgent, type TunnelProxy, type TunnelTls } from '../../adapters/proxy/index.js';
import { greetingBudgetMs, socksHandshake } from '../../adapters/proxy/socks-handshake.js';
import { closedPort, get, startHttpSpeaker, startSilent, startSocks5, startTarget, type Target } from './proxy-servers.js';

let target: Target;
let plain: Target;
const agents: http.Agent[] = [];
const closers: (() => Promise<void>)[] = [];

function agentFor(proxy: TunnelProxy, tls: TunnelTls = { rejectUnauthorized: true, ca: target.ca }, timeoutMs = 5_000): http.Agent {
  const agent = createTunnelAgent(proxy, tls, { timeoutMs });
  agents.push(agent);
  return agent;
}
async function server<T extends { close(): Promise<void> }>(started: Promise<T>): Promise<T> {
  const running = await started;
  closers.push(() => running.close());
  return running;
}
const local = (kind: TunnelProxy['kind'], port: number, creds: { username?: string; password?: string } = {}): TunnelProxy => ({
  kind, host: '127.0.0.1', port, ...creds,
});
/** The rejection of `promise`, which must be a LinkError: its code and message. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return { code: (error as LinkError).code, message: (error as LinkError).message };
}
/** Enough of an http.ClientRequest for SocksTunnelAgent.connect: events and destroy(). */
function fakeRequest(): http.ClientRequest & { destroy: ReturnType<typeof vi.fn> } {
  return Object.assign(new EventEmitter(), { destroy: vi.fn() }) as unknown as http.ClientRequest & { destroy: ReturnType<typeof vi.fn> };
}
type Connect = (req: http.ClientRequest, opts: Record<string, unknown>) => Promise<net.Socket>;
const connectOf = (agent: http.Agent): Connect => (agent as unknown as { connect: Connect }).connect.bind(agent);

beforeAll(async () => {
  [target, plain] = await Promise.all([startTarget(), startTarget({ plain: true })]);
});
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const close of closers.splice(0)) await close();
  target.servernames.length = 0;
});
afterAll(async () => {
  await Promise.all([target.close(), plain.close()]);
});

describe('SocksTunnelAgent', () => {
  it('socks5h sends the name; socks5 resolves it here and sends the address', async () => {
    const socks = await server(startSocks5());
    expect(await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port)))).toStrictEqual({ status: 200, body: 'ok' });
    expect(await get(`https://localhost:${target.port}/`, agentFor(local('socks5', socks.port)))).toStrictEqual({ status: 200, body: 'ok' });
    const { address, family } = await lookup('localhost');
    const sent = family === 4 ? { atyp: 1, host: address } : { atyp: 4, host: socks.requests[1]?.host };
    expect(socks.requests).toStrictEqual([
      { atyp: 3, host: 'localhost', port: target.port },
      { ...sent, port: target.port },
    ]);
    if (family === 6) expect(socks.requests[1]?.host).toMatch(/^0:0:0:0:0:0:0:1$/);
    // no credentials: only "no authentication" is offered
    expect(socks.greetings).toStrictEqual([[0], [0]]);
  });

  it('keeps the tunnel alive: two requests, one SOCKS connection', async () => {
    const socks = await server(startSocks5());
    const agent = agentFor(local('socks5h', socks.port));
    expect(await get(`https://localhost:${target.port}/`, agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(await get(`https://localhost:${target.port}/`, agent)).toStrictEqual({ status: 200, body: 'ok' });
    expect(socks.connections()).toBe(1);
  });

  it('carries plain HTTP without TLS', async () => {
    const socks = await server(startSocks5());
    expect(await get(`http://127.0.0.1:${plain.port}/`, agentFor(local('socks5h', socks.port)))).toStrictEqual({ status: 200, body: 'ok' });
    expect(socks.requests).toStrictEqual([{ atyp: 1, host: '127.0.0.1', port: plain.port }]);
  });

  it('SNI inside the tunnel: the configured name, else the request\'s, else the host name, never an IP address', async () => {
    const socks = await server(startSocks5());
    const loose = { rejectUnauthorized: false };
    await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port), { ...loose, servername: 'sni.example' }));
    await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port), loose), { servername: 'request.example' });
    await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port), loose));
    await get(`https://127.0.0.1:${target.port}/`, agentFor(local('socks5h', socks.port), loose));
    expect(target.servernames).toStrictEqual(['sni.example', 'request.example', 'localhost', false]);
  });

  it('sends the credentials (RFC 1929), an empty password when there is none', async () => {
    const socks = await server(startSocks5({ auth: true }));
    await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port, { username: 'aclk', password: 'pä ss' })));
    await get(`https://localhost:${target.port}/`, agentFor(local('socks5h', socks.port, { username: 'only-user' })));
    expect(socks.greetings).toStrictEqual([[0, 2], [0, 2]]);
    expect(socks.logins).toStrictEqual([{ user: 'aclk', password: 'pä ss' }, { user: 'only-user', password: '' }]);
  });

  it('called without a servername (not through http.Agent, which always sets one): SNI is the host name, never an IP address', async () => {
    const socks = await server(startSocks5());
    const connect = connectOf(agentFor(local('socks5h', socks.port), { rejectUnauthorized: false }));
    for (const host of ['localhost', '127.0.0.1']) {
      const secure = await connect(fakeRequest(), { host, port: target.port, secureEndpoint: true });
      await new Promise((resolve) => secure.once('secureConnect', resolve));
      await expect.poll(() => target.servernames.length).toBe(host === 'localhost' ? 1 : 2);
      secure.destroy();
    }
    expect(target.servernames).toStrictEqual(['localhost', false]);
  });

  it.each([undefined, null, ''])('no target host (%j): PROXY_FAILED before dialling the proxy', async (host) => {
    const socks = await server(startSocks5());
    const connect = connectOf(agentFor(local('socks5h', socks.port)));
    expect(await rejection(connect(fakeRequest(), { host, port: 443, secureEndpoint: true }))).toStrictEqual({
      code: 'PROXY_FAILED', message: `proxy socks5h://127.0.0.1:${socks.port}: tunnel negotiation failed: no target host`,
    });
    expect(socks.connections()).toBe(0);
  });

  it('a port given as a string (ws) is sent as a number', async () => {
    const socks = await server(startSocks5());
    const connect = connectOf(agentFor(local('socks5h', socks.port)));
    const socket = await connect(fakeRequest(), { host: 'localhost', port: String(plain.port), secureEndpoint: false });
    socket.destroy();
    expect(socks.requests).toStrictEqual([{ atyp: 3, host: 'localhost', port: plain.port }]);
  });

  it('the request closing during the handshake gives the tunnel up: ABORTED, the proxy connection closed', async () => {
    const silent = await server(startSilent());
    const connect = connectOf(agentFor(local('socks5h', silent.port)));
    const req = fakeRequest();
    const pending = connect(req, { host: 'localhost', port: 443, secureEndpoint: true });
    await expect.poll(() => silent.open()).toBe(1);
    req.emit('close');
    expect(await rejection(pending)).toStrictEqual({ code: 'ABORTED', message: `proxy socks5h://127.0.0.1:${silent.port}: the tunnel was given up` });
    await expect.poll(() => silent.open()).toBe(0);
  });

  it('leaves no listener on the request once the tunnel is up', async () => {
    const socks = await server(startSocks5());
    const connect = connectOf(agentFor(local('socks5h', socks.port)));
    const req = fakeRequest();
    const socket = await connect(req, { host: 'localhost', port: plain.port, secureEndpoint: false });
    expect(req.listenerCount('close')).toBe(0);
    socket.destroy();
  });

  it('a TLS failure inside the tunnel destroys the request and the tunnel, even before the request holds the socket', async () => {
    const socks = await server(startSocks5());
    const connect = connectOf(agentFor(local('socks5h', socks.port), { rejectUnauthorized: true }));
    const req = fakeRequest();
    const secure = await connect(req, { host: 'localhost', port: target.port, secureEndpoint: true });
    await new Promise((resolve) => secure.once('close', resolve));
    expect(req.destroy).toHaveBeenCalledTimes(1);
    await expect.poll(() => socks.open()).toBe(0);
  });
});

describe('socksHandshake', () => {
  const destination = { host: 'localhost', port: 443 };

  it('the greeting budget is half the negotiation budget, at least 1 ms', () => {
    expect([greetingBudgetMs(10_000), greetingBudgetMs(301), greetingBudgetMs(3), greetingBudgetMs(1), greetingBudgetMs(0)]).toStrictEqual([5_000, 150, 1, 1, 1]);
  });

  it('resolves with the tunnel socket, leaving no listener of its own on the socket or the signal', async () => {
    const socks = await server(startSocks5());
    const signal = new AbortController().signal;
    const socket = await socksHandshake({ proxy: local('socks5h', socks.port), destination: { host: 'localhost', port: plain.port }, timeoutMs: 5_000, signal });
    expect([socket.listenerCount('error'), socket.listenerCount('data'), getEventListeners(signal, 'abort').length]).toStrictEqual([0, 0, 0]);
    socket.destroy();
  });

  it('works without a signal, and fails without one', async () => {
    const socks = await server(startSocks5());
    const socket = await socksHandshake({ proxy: local('socks5', socks.port), destination: { host: '127.0.0.1', port: plain.port }, timeoutMs: 5_000 });
    socket.destroy();
    const port = await closedPort();
    expect(await rejection(socksHandshake({ proxy: local('socks5', port), destination, timeoutMs: 5_000 }))).toStrictEqual({
      code: 'PROXY_UNREACHABLE', message: `proxy socks5://127.0.0.1:${port} is unreachable (ECONNREFUSED)`,
    });
  }, 3_000);

  it('a failure removes its abort listener from the signal', async () => {
    const port = await closedPort();
    const signal = new AbortController().signal;
    expect((await rejection(socksHandshake({ proxy: local('socks5', port), destination, timeoutMs: 5_000, signal }))).code).toBe('PROXY_UNREACHABLE');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal: ABORTED at once, nothing negotiated', async () => {
    const socks = await server(startSocks5());
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(socksHandshake({ proxy: local('socks5h', socks.port), destination, timeoutMs: 5_000, signal: controller.signal }))).toStrictEqual({
      code: 'ABORTED', message: `proxy socks5h://127.0.0.1:${socks.port}: the tunnel was given up`,
    });
    expect(socks.greetings).toStrictEqual([]);
  });

  it('aborting during the handshake: ABORTED, the proxy connection closed', async () => {
    const silent = await server(startSilent());
    const controller = new AbortController();
    const pending = socksHandshake({ proxy: local('socks5h', silent.port), destination, timeoutMs: 5_000, signal: controller.signal });
    await expect.poll(() => silent.open()).toBe(1);
    controller.abort();
    expect(await rejection(pending)).toStrictEqual({ code: 'ABORTED', message: `proxy socks5h://127.0.0.1:${silent.port}: the tunnel was given up` });
    await expect.poll(() => silent.open()).toBe(0);
  });

  it('an answer that is not SOCKS5: PROXY_FAILED, naming the proxy', async () => {
    const speaker = await server(startHttpSpeaker());
    expect(await rejection(socksHandshake({ proxy: local('socks5h', speaker.port), destination, timeoutMs: 5_000 }))).toStrictEqual({
      code: 'PROXY_FAILED', message: `proxy socks5h://127.0.0.1:${speaker.port} is not a SOCKS5 proxy: its reply does not start with version 5 (an HTTP proxy?)`,
    });
  });

  it('no answer to the greeting: PROXY_TIMEOUT after half the budget, naming it', async () => {
    const silent = await server(startSilent());
    expect(await rejection(socksHandshake({ proxy: local('socks5h', silent.port), destination, timeoutMs: 200 }))).toStrictEqual({
      code: 'PROXY_TIMEOUT', message: `proxy socks5h://127.0.0.1:${silent.port} did not answer the SOCKS5 greeting within 100 ms (is it a SOCKS5 proxy?)`,
    });
  });

  it('a greeting answered but the request never: PROXY_TIMEOUT from our own budget, the connection closed', async () => {
    const stalled = await server(startSocks5({ stall: true }));
    expect(await rejection(socksHandshake({ proxy: local('socks5h', stalled.port), destination, timeoutMs: 200 }))).toStrictEqual({
      code: 'PROXY_TIMEOUT', message: `proxy socks5h://127.0.0.1:${stalled.port} did not open the tunnel within 200 ms`,
    });
    expect(stalled.requests).toStrictEqual([{ atyp: 3, host: 'localhost', port: 443 }]);
    await expect.poll(() => stalled.open()).toBe(0);
  });
});
