/**
 * The pieces the scenario generator (record-scenarios.ts) is made of: the context a scenario runs
 * in, waiting helpers, a closed port, a tinyproxy for the proxy scenarios, and admin API requests.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import type { CmdHandler } from '../../adapters/mqtt/cmd-relay.js';
import type { CloudLinkOptions } from '../../link/cloud-link.js';
import type { LinkHandle } from '../../link/create-link.js';
import type { LinkState } from '../../link/state.js';
import type { DevCloud } from '../../devcloud/index.js';
import { freePort } from '../../devcloud/free-port.js';

export interface Ctx {
  readonly cloud: DevCloud;
  readonly dir: string;
  readonly cloudDir: string;
  readonly netdataConf: string;
  /** Secrets of the run to look for in the recording. */
  readonly secrets: string[];
  /** Run after the link stops (e.g. stop a proxy). */
  readonly cleanups: (() => Promise<void>)[];
  /** The recorded link (created by `link()`). */
  link(options?: Partial<CloudLinkOptions>): LinkHandle;
  claimNode(): Promise<string>;
  writeConf(proxy?: string, extra?: string[]): Promise<void>;
  admin(method: string, path: string, body?: unknown): Promise<number>;
}

export interface Scenario {
  readonly name: string;
  readonly shows: string;
  run(ctx: Ctx): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const waitState = (link: LinkHandle, predicate: (s: LinkState) => boolean, what: string, timeoutMs?: number) =>
  waitFor(what, () => predicate(link.getState()), timeoutMs);
export const waitOnline = (link: LinkHandle, timeoutMs?: number) => waitState(link, (s) => s.online, 'the link to be online', timeoutMs);

export const echoHandler: CmdHandler = async (req) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: req.path }) });

/** A loopback port where nothing listens. */
export const closedPort = (): Promise<number> => freePort('127.0.0.1');

export const TINYPROXY_BIN = '/usr/bin/tinyproxy';

/** Debian's tinyproxy on a free loopback port: BasicAuth, CONNECT allowed to port 1 only. */
export async function startTinyproxy(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await closedPort();
  const config = join(dir, 'tinyproxy.conf');
  await writeFile(config, `${['User nobody', 'Group nogroup', `Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'Allow 127.0.0.1',
    `PidFile "${join(dir, 'tinyproxy.pid')}"`, `BasicAuth ${PROXY_USER} ${PROXY_PASSWORD}`, 'ConnectPort 1'].join('\n')}\n`);
  const child = spawn(TINYPROXY_BIN, ['-d', '-c', config], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  const end = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return { port, stop };
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`tinyproxy did not listen on ${port}`);
    }
    await sleep(50);
  }
}

export const PROXY_USER = 'scenuser';
export const PROXY_PASSWORD = 'scen-Pr0xy-pw';


export function adminRequest(cloud: DevCloud, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${cloud.url}${path}`, {
      method, ca: cloud.caPem, agent: false,
      headers: { authorization: `Bearer ${cloud.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 300) reject(new Error(`${method} ${path}: HTTP ${status}`));
        else resolve(status);
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

