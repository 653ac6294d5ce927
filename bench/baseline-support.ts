/**
 * Helpers of bench/baseline.ts: claimed nodes of the development cloud, credentials through the real
 * cloud API adapter, a hand-written env/challenge/password sequence, and bare mqtt.js clients.
 */
import { constants, privateDecrypt } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { parseEndpoint } from '../adapters/mqtt/endpoint.js';
import { writeFrames } from '../adapters/mqtt/frames.js';
import { claim } from '../adapters/claim/index.js';
import { challengeUrl, createCloudApi, envUrl, passwordUrl } from '../adapters/cloud-api/index.js';
import { fileChallengeDecryptor, PRIVATE_KEY_FILE } from '../adapters/identity/index.js';
import type { MqttCredentials } from '../effects/ports.js';
import { createCloudLink } from '../link/cloud-link.js';
import type { LinkHandle } from '../link/create-link.js';
import type { OutboxOptions } from '../effects/outbox.js';

export const AGENT_VERSION = 'bench-baseline';

/** One row of the printed table and of bench/results/baseline.json. */
export interface Row {
  readonly benchmark: string;
  readonly link: string;
  readonly baseline: string;
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
}

export { median } from './stats.js';

/** What a child process needs to reach the cloud and the nodes. */
export interface CloudInfo {
  readonly url: string;
  readonly caPath: string;
  readonly caPem: string;
}

export interface BenchNode {
  readonly dir: string;
  readonly cloudDir: string;
  readonly netdataConf: string;
  readonly claimId: string;
}

export async function makeNode(cloud: CloudInfo & { readonly token: string }, root: string, index: number): Promise<BenchNode> {
  const dir = await mkdtemp(join(root, `node-${index}-`));
  const netdataConf = join(dir, 'netdata.conf');
  const lines = ['[global]', 'netdata cloud = enable', '[cloud]', `cloud base url = ${cloud.url}`, 'proxy = none',
    'backoff min seconds = 0', 'backoff max seconds = 1'];
  await writeFile(netdataConf, `${lines.join('\n')}\n`);
  const cloudDir = join(dir, 'cloud.d');
  const { claimId } = await claim({
    url: cloud.url, token: cloud.token, rooms: ['room-1'], hostname: `bench-${index}`, ca: cloud.caPem,
    sleep: async () => undefined, cloudDir,
  });
  return { dir, cloudDir, netdataConf, claimId };
}

export const tempRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'aclk-baseline-'));

// ------------------------------------------------------------------ link

export function startLink(cloud: CloudInfo, node: BenchNode, outbox?: Partial<OutboxOptions>, inflightWindow?: number): LinkHandle {
  return createCloudLink({
    cloudDir: node.cloudDir, netdataConf: node.netdataConf, env: {}, ca: cloud.caPath,
    network: { connectTimeoutMs: 5_000, requestTimeoutMs: 10_000, tunnelTimeoutMs: 5_000, mqttConnectTimeoutMs: 10_000, closeTimeoutMs: 1_000 },
    ...(outbox ? { outbox } : {}),
    ...(inflightWindow !== undefined ? { inflightWindow } : {}),
  });
}

/** Resolves when the link is online (checked on every state change). */
export function whenOnline(link: LinkHandle, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => finish(new Error(`link not online within ${timeoutMs} ms (state ${link.getState().state}, ${link.getState().reasonCode ?? ''})`)), timeoutMs);
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const unsubscribe = link.subscribe((s) => {
      if (s.online) finish();
    });
    if (link.getState().online) finish();
  });
}

// ------------------------------------------------------------------ credentials

export interface Session {
  readonly endpoint: string;
  /** 5 when env offers MQTTv5 (mosquitto), else 4 (aedes speaks MQTT 3.1.1). */
  readonly protocolVersion: 4 | 5;
  readonly credentials: MqttCredentials;
}

/** env + challenge + password through the project's own cloud API adapter (createCloudApi). */
export async function adapterCredentials(cloud: CloudInfo, node: BenchNode): Promise<Session> {
  const api = createCloudApi({ tls: { ca: cloud.caPem, insecure: false } });
  const signal = new AbortController().signal;
  try {
    const env = await api.env({ cloudUrl: cloud.url, claimId: node.claimId, agentVersion: AGENT_VERSION, signal });
    const challenge = await api.challenge({ authEndpoint: env.authEndpoint, claimId: node.claimId, signal });
    const response = await fileChallengeDecryptor(node.cloudDir).decrypt(challenge);
    const credentials = await api.password({ authEndpoint: env.authEndpoint, claimId: node.claimId, agentVersion: AGENT_VERSION, response, signal });
    const offer = env.transports.find((t) => t.type === 'MQTTv5') ?? env.transports[0];
    if (!offer) throw new Error('no transport offered');
    return { endpoint: offer.endpoint, protocolVersion: offer.type === 'MQTTv5' ? 5 : 4, credentials };
  } finally {
    api.closeIdle();
  }
}

function httpsJson(agent: Agent, url: URL, method: 'GET' | 'POST', body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method, agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The hand-written sequence: the same three HTTPS requests with node's https (one keep-alive agent with
 * the CA), the challenge decrypted with node:crypto (RSA-OAEP SHA-1).
 */
export async function handWrittenCredentials(cloud: CloudInfo, node: BenchNode, privateKeyPem: string): Promise<Session> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cloud.caPem });
  try {
    const env = await httpsJson(agent, envUrl(cloud.url, AGENT_VERSION, node.claimId), 'GET');
    const envJson = env.json as { authEndpoint: string; transports: { type: string; endpoint: string }[] };
    const ch = await httpsJson(agent, challengeUrl(envJson.authEndpoint, node.claimId), 'GET');
    const challenge = Buffer.from((ch.json as { challenge: string }).challenge, 'base64');
    const response = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, challenge);
    const body = JSON.stringify({ agent_version: AGENT_VERSION, response: response.toString('base64') });
    const pw = await httpsJson(agent, passwordUrl(envJson.authEndpoint, node.claimId), 'POST', body);
    if (pw.status !== 201) throw new Error(`password request: HTTP ${pw.status}`);
    const answer = pw.json as { clientID: string; username: string; password: string; topics: { name: string; topic: string }[] };
    const topics: Record<string, string> = {};
    for (const t of answer.topics) topics[t.name] ??= t.topic.replaceAll('#{claim_id}', node.claimId);
    const offer = envJson.transports.find((t) => t.type === 'MQTTv5') ?? envJson.transports[0];
    if (!offer) throw new Error('no transport offered');
    // The cloud offers `https://host:port/mqtt` (or host:port): MQTT over WSS, which mqtt.js takes only as wss://.
    return { endpoint: parseEndpoint(offer.endpoint).url, protocolVersion: offer.type === 'MQTTv5' ? 5 : 4, credentials: { clientId: answer.clientID, username: answer.username, password: answer.password, topics } };
  } finally {
    agent.destroy();
  }
}

export const readPrivateKey = (node: BenchNode): Promise<string> => readFile(join(node.cloudDir, PRIVATE_KEY_FILE), 'utf8');

// ------------------------------------------------------------------ bare mqtt.js

export interface BareClient {
  readonly client: MqttClient;
  /** The server's Receive Maximum from CONNACK (65535 when absent). */
  readonly receiveMaximum: number;
}

/**
 * A bare mqtt.js client over WSS (MQTT 5, or 3.1.1 when that is what env offers) (TLS verified); subscribes to inbox-cmd like the link.
 * `ca`: the cloud's CA alone (default), or `bundle`: the system roots plus the cloud's CA, as the link's
 * adapters build it (agentTlsOptions). `framed`: the link's WebSocket framing (adapters/mqtt/frames.ts:
 * what one flush of the stream buffered goes out as one frame) instead of mqtt.js's one frame per write.
 */
export async function bareConnect(cloud: CloudInfo, session: Session, subscribe = true, ca: 'ca' | 'bundle' = 'ca', framed = false): Promise<BareClient> {
  const { credentials } = session;
  const client = mqtt.connect(session.endpoint, {
    protocolVersion: session.protocolVersion, clean: true, keepalive: 60, reconnectPeriod: 0,
    clientId: credentials.clientId, username: credentials.username, password: credentials.password,
    ca: ca === 'ca' ? cloud.caPem : [...rootCertificates, cloud.caPem].join('\n'), rejectUnauthorized: true,
    wsOptions: { perMessageDeflate: false, ...(framed ? { writev: writeFrames } : {}) },
  });
  const receiveMaximum = await new Promise<number>((resolve, reject) => {
    client.once('connect', (connack) => resolve(connack.properties?.receiveMaximum ?? 65_535));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
  const inbox = credentials.topics['inbox-cmd'];
  if (subscribe && inbox !== undefined) await client.subscribeAsync(inbox, { qos: 1 });
  return { client, receiveMaximum };
}

export function topicOf(session: Session, name: string): string {
  const topic = session.credentials.topics[name];
  if (topic === undefined) throw new Error(`no topic ${name}`);
  return topic;
}
