/**
 * Helpers for the real integration tests: a node's files (netdata.conf + a cloud.d written by a real
 * claim), a `createCloudLink` over them with short backoff, state waits, and a TCP forwarder whose
 * connections can be cut (a socket loss without any MQTT DISCONNECT).
 */
import { writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { join } from 'node:path';
import type { CmdHandler } from '../../../adapters/mqtt/cmd-relay.js';
import { createCloudLink, type CloudLinkOptions } from '../../../link/cloud-link.js';
import type { LinkHandle } from '../../../link/create-link.js';
import type { LinkState } from '../../../link/state.js';
import type { DevCloud } from '../../../devcloud/index.js';
import { claimTestNode, cloudRequest, makeTempDir, recordingLogger } from '../../support/dev-cloud.js';

export interface NodeFiles {
  readonly dir: string;
  readonly cloudDir: string;
  readonly netdataConf: string;
  readonly claimId: string | null;
}

export async function writeNetdataConf(dir: string, cloud: DevCloud, proxy = 'none', extra: string[] = []): Promise<string> {
  const path = join(dir, 'netdata.conf');
  const lines = ['[global]', 'netdata cloud = enable', '[cloud]', `cloud base url = ${cloud.url}`, `proxy = ${proxy}`,
    'backoff min seconds = 0', 'backoff max seconds = 1', ...extra];
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** netdata.conf and a cloud.d claimed for real against the dev cloud (unless `claimed: false`). */
export async function nodeFiles(cloud: DevCloud, options: { proxy?: string; claimed?: boolean } = {}): Promise<NodeFiles> {
  const dir = await makeTempDir('aclk-node-');
  const netdataConf = await writeNetdataConf(dir, cloud, options.proxy);
  const cloudDir = join(dir, 'cloud.d');
  if (options.claimed === false) return { dir, cloudDir, netdataConf, claimId: null };
  const { claimId } = await claimTestNode(cloud, { cloudDir });
  return { dir, cloudDir, netdataConf, claimId };
}

/** The payloads (as text) of every chart message the node publishes that reaches the cloud's broker. */
export function chartArrivals(cloud: DevCloud): Set<string> {
  const arrived = new Set<string>();
  cloud.broker.onAgentMessage((_id, topic, payload) => {
    if (topic.endsWith('/outbound/v1/chart')) arrived.add(payload.toString('utf8'));
  });
  return arrived;
}

export const echoHandler: CmdHandler = async (request) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method: request.method, path: request.path }),
});

export interface TestLink {
  readonly link: LinkHandle;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** Every state change with its wall-clock time. */
  readonly history: { readonly at: number; readonly state: LinkState }[];
}

const links: LinkHandle[] = [];

/** Run in afterEach, before cleanupTestResources. */
export async function stopTestLinks(): Promise<void> {
  await Promise.all(links.splice(0).map((l) => l.stop()));
}

export function startTestLink(node: NodeFiles, cloud: DevCloud, options: Partial<CloudLinkOptions> = {}): TestLink {
  const logger = recordingLogger();
  const link = createCloudLink({
    cloudDir: node.cloudDir, netdataConf: node.netdataConf, env: {}, ca: cloud.caPath, logger, onCommand: echoHandler,
    network: { connectTimeoutMs: 3_000, requestTimeoutMs: 5_000, tunnelTimeoutMs: 3_000, mqttConnectTimeoutMs: 5_000, closeTimeoutMs: 500 },
    ...options,
  });
  links.push(link);
  const history: TestLink['history'] = [];
  let last = '';
  link.subscribe((state) => {
    if (state.state === last) return;
    last = state.state;
    history.push({ at: Date.now(), state });
  });
  return { link, logger, history };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const waitState = (t: TestLink, predicate: (s: LinkState) => boolean, what: string, timeoutMs?: number): Promise<LinkState> =>
  waitFor(what, () => {
    const state = t.link.getState();
    return predicate(state) ? state : undefined;
  }, timeoutMs);

export const waitOnline = (t: TestLink, timeoutMs?: number): Promise<LinkState> => waitState(t, (s) => s.online, 'the link to be online', timeoutMs);

/** `POST /admin/nodes/:id/cmd` and its answer. */
export async function adminCmd(cloud: DevCloud, claimId: string, path: string): Promise<{ status: number; json: unknown }> {
  const answer = await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/cmd`, { body: { method: 'GET', path, timeoutMs: 5_000 } });
  return { status: answer.status, json: answer.json };
}

/** The MQTT endpoint the cloud offers now (first transport of an env answer). */
export async function brokerEndpoint(cloud: DevCloud, claimId: string): Promise<{ type: 'MQTTv5' | 'MQTTv3'; endpoint: string }> {
  const answer = await cloudRequest(cloud, 'GET', `/api/v1/env?v=1&cap=proto&claim_id=${claimId}`, { token: null });
  const transports = (answer.json as { transports: { type: 'MQTTv5' | 'MQTTv3'; endpoint: string }[] }).transports;
  const first = transports[0];
  if (!first) throw new Error('the cloud offers no transport');
  return first;
}

/** A loopback TCP forwarder to `port`; `cut()` destroys every connection through it (both sides). */
export async function startForwarder(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const pairs = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      pairs.add(s);
      s.on('error', () => undefined);
      s.on('close', () => pairs.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      for (const s of [...pairs]) s.resetAndDestroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of [...pairs]) s.destroy();
      server.close(() => resolve());
    }),
  };
}
