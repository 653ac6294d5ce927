/** Test helpers: a dev cloud in a temp state dir, temp cloud dirs, a claimed node, admin calls. */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '../../effects/ports.js';
import { claim, type ClaimOptions } from '../../adapters/claim/index.js';
import { startDevCloud, type DevCloud, type DevCloudOptions } from '../../devcloud/index.js';

const cleanups: (() => Promise<void>)[] = [];

/** Run in afterEach: stops every cloud and removes every temp dir made since the last call. */
export async function cleanupTestResources(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}

export async function makeTempDir(prefix = 'aclk-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestCloud {
  readonly cloud: DevCloud;
  readonly stateDir: string;
}

export async function startTestCloud(options: Partial<DevCloudOptions> = {}): Promise<TestCloud> {
  const stateDir = options.stateDir ?? (await makeTempDir('aclk-cloud-'));
  const cloud = await startDevCloud({ ...options, stateDir });
  cleanups.push(() => cloud.close());
  return { cloud, stateDir };
}

/** Claims a node against the cloud (trusting its CA) into a new temp cloud dir. */
export async function claimTestNode(
  cloud: DevCloud,
  overrides: Partial<ClaimOptions> = {},
): Promise<{ claimId: string; cloudDir: string }> {
  const cloudDir = overrides.cloudDir ?? join(await makeTempDir('aclk-node-'), 'cloud.d');
  const { claimId } = await claim({
    url: cloud.url,
    token: cloud.token,
    rooms: ['room-1'],
    hostname: 'test-host',
    ca: cloud.caPem,
    sleep: async () => undefined,
    ...overrides,
    cloudDir,
  });
  return { claimId, cloudDir };
}

export interface JsonAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

/** One HTTPS request to the dev cloud (trusting its CA), e.g. the admin API. */
export function cloudRequest(
  cloud: DevCloud,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string | null } = {},
): Promise<JsonAnswer> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const token = options.token === undefined ? cloud.adminToken : options.token;
  return new Promise((resolve, reject) => {
    const req = request(`${cloud.url}${path}`, {
      method,
      ca: cloud.caPem,
      agent: false,
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A logger that keeps every line, to check that no secret is ever logged. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: LogFields): void => {
    lines.push(`${level} ${message} ${fields === undefined ? '' : JSON.stringify(fields)}`);
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
