/**
 * Issue 13: `socks5://` pointed at something that is not a SOCKS5 proxy. An HTTP proxy (real tinyproxy)
 * says nothing to a SOCKS5 greeting, waiting for a request line; the link used to report
 * CONNECT_TIMEOUT (its connect budget equals the tunnel budget, and the connect timer starts first).
 * A proxy that answers in HTTP must fail at once with PROXY_FAILED.
 */
import type * as https from 'node:https';
import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { createCloudApi } from '../../adapters/cloud-api/cloud-api.js';
import { createTunnelAgent, type ResolvedProxy } from '../../adapters/proxy/index.js';
import { skipWithoutServer, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { nodeFiles, startTestLink, stopTestLinks, waitFor } from '../integration/support/real-link.js';
import { httpsGet } from './client.js';
import { startHttpsTarget, type HttpsTarget } from './https-target.js';

const signal = new AbortController().signal;

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

/** A TCP server that answers anything with an HTTP 400, as an HTTP proxy does to bytes it cannot parse. */
async function startHttpSpeaker(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let target: HttpsTarget;
beforeAll(async () => {
  target = await startHttpsTarget();
});
afterAll(async () => target.close());

describe('socks5:// at a proxy that answers in HTTP', () => {
  it('fails at once with PROXY_FAILED (not a SOCKS5 proxy), not after a timeout', async () => {
    const speaker = await startHttpSpeaker();
    try {
      const agent = createTunnelAgent({ kind: 'socks5h', host: '127.0.0.1', port: speaker.port }, { ca: target.ca, rejectUnauthorized: true }, { timeoutMs: 5_000 });
      const started = Date.now();
      const error = await rejection(httpsGet(`https://localhost:${target.port}/`, agent));
      expect(error.code).toBe('PROXY_FAILED');
      expect(error.message).toMatch(/not a SOCKS5 proxy/);
      expect(Date.now() - started).toBeLessThan(2_000);
      agent.destroy();
    } finally {
      await speaker.close();
    }
  });
});

describe.skipIf(skipWithoutServer('tinyproxy'))('socks5:// at real tinyproxy (an HTTP proxy)', () => {
  let tinyproxy: RunningProxy;
  beforeAll(async () => {
    tinyproxy = await startTinyproxy();
  });
  afterAll(async () => tinyproxy.stop());
  afterEach(async () => {
    await stopTestLinks();
    await cleanupTestResources();
  });

  const proxy = (): ResolvedProxy => ({ kind: 'socks5', host: '127.0.0.1', port: tinyproxy.port });

  it('cloud API with equal connect and tunnel budgets (as the defaults are): PROXY_TIMEOUT, not CONNECT_TIMEOUT', async () => {
    const api = createCloudApi({
      tls: { ca: target.ca, insecure: false },
      connectTimeoutMs: 2_000,
      createAgent: (tls) => createTunnelAgent(proxy(), tls, { timeoutMs: 2_000 }) as https.Agent,
    });
    try {
      const error = await rejection(api.env({ cloudUrl: `https://localhost:${target.port}`, claimId: 'c', agentVersion: '2.0.0', signal }));
      expect(error.code).toBe('PROXY_TIMEOUT');
      expect(error.message).toMatch(/SOCKS5 greeting/);
    } finally {
      api.closeIdle();
    }
  });

  it('the link reports a PROXY_* reason, never CONNECT_TIMEOUT', async () => {
    const { cloud } = await startTestCloud();
    const node = await nodeFiles(cloud, { proxy: `socks5://127.0.0.1:${tinyproxy.port}` });
    const t = startTestLink(node, cloud);
    await t.link.start();
    const reason = await waitFor('a failed attempt', () => t.history.find((h) => h.state.top === 'backoff')?.state.reasonCode);
    expect(reason).toMatch(/^PROXY_/);
    expect(reason).not.toBe('CONNECT_TIMEOUT');
  });
});
