/**
 * Real proxy servers for tunnel tests, started on free loopback ports with generated config files:
 * Debian's `tinyproxy` (HTTP CONNECT) and `dante-server` (`danted`, SOCKS5). Needs root (both drop
 * to `nobody`). When a binary is missing: in CI (`CI=true`) the tests fail loudly; elsewhere they are
 * skipped with a console warning naming the apt package.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort as freePortOn } from '../../devcloud/free-port.js';

export const SERVERS = {
  tinyproxy: { bin: '/usr/bin/tinyproxy', apt: 'tinyproxy' },
  dante: { bin: '/usr/sbin/danted', apt: 'dante-server' },
} as const;
export type ServerName = keyof typeof SERVERS;

export interface RunningProxy {
  readonly port: number;
  /** The server's (main) process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** true when the tests for this server should be skipped (never in CI: there they run and fail). */
export function skipWithoutServer(name: ServerName): boolean {
  const { bin, apt } = SERVERS[name];
  const problem = !existsSync(bin)
    ? `${bin} not found: install the Debian package "${apt}" (apt-get install -y ${apt})`
    : process.getuid?.() !== 0 ? `${apt} tests must run as root (the servers switch to "nobody")` : undefined;
  if (problem === undefined || process.env.CI === 'true') return false;
  console.warn(`\n*** SKIPPING ${name} tunnel tests: ${problem} ***\n`);
  return true;
}

function requireServer(name: ServerName): string {
  const { bin, apt } = SERVERS[name];
  if (!existsSync(bin)) throw new Error(`${bin} not found: the tests need the Debian package "${apt}" (apt-get install -y ${apt})`);
  return bin;
}

export const freePort = (): Promise<number> => freePortOn('127.0.0.1');

/** Poll until `port` accepts a TCP connection; bounded. */
export async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`proxy server exited early (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`proxy server did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function launch(bin: string, args: string[], port: number, dir: string): Promise<RunningProxy> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-8000); };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid: child.pid ?? -1, stop };
}

export interface TinyproxyOptions {
  readonly basicAuth?: { readonly user: string; readonly password: string };
  /** Only CONNECT to these ports is allowed (tinyproxy's `ConnectPort`); default: any port. */
  readonly connectPorts?: readonly number[];
  /** Listen on this port (e.g. to start it again where a link expects it); default: a free one. */
  readonly port?: number;
}

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<RunningProxy> {
  const bin = requireServer('tinyproxy');
  const dir = await mkdtemp(join(tmpdir(), 'aclk-tinyproxy-'));
  const port = options.port ?? (await freePort());
  const lines = [
    'User nobody', 'Group nogroup', `Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'MaxClients 50',
    'Allow 127.0.0.1', 'LogLevel Connect', `PidFile "${join(dir, 'tinyproxy.pid')}"`,
    ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
    ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
  ];
  const config = join(dir, 'tinyproxy.conf');
  await writeFile(config, `${lines.join('\n')}\n`);
  return launch(bin, ['-d', '-c', config], port, dir);
}

export interface DanteOptions {
  /** `username`: RFC 1929 user/password checked against the system's users. Default `none`. */
  readonly method?: 'none' | 'username';
  /** CONNECT requests to these ports are blocked by a `socks block` rule. */
  readonly blockPorts?: readonly number[];
  /** Listen on this port (e.g. to start it again where a link expects it); default: a free one. */
  readonly port?: number;
}

export async function startDante(options: DanteOptions = {}): Promise<RunningProxy> {
  const bin = requireServer('dante');
  const dir = await mkdtemp(join(tmpdir(), 'aclk-dante-'));
  const port = options.port ?? (await freePort());
  const lines = [
    'logoutput: stderr', `internal: 127.0.0.1 port = ${port}`, 'external: 127.0.0.1',
    `socksmethod: ${options.method ?? 'none'}`, 'clientmethod: none',
    'user.privileged: root', 'user.unprivileged: nobody',
    'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
    ...(options.blockPorts ?? []).map((p) => `socks block { from: 0.0.0.0/0 to: 0.0.0.0/0 port = ${p} }`),
    'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }',
  ];
  const config = join(dir, 'danted.conf');
  await writeFile(config, `${lines.join('\n')}\n`);
  return launch(bin, ['-f', config, '-p', join(dir, 'danted.pid'), '-N', '1'], port, dir);
}

/**
 * Start several proxies at once; if any fails to start, stop the others before rethrowing, so no
 * process outlives a failed `beforeAll`.
 */
export async function startAll(starts: readonly Promise<RunningProxy>[]): Promise<RunningProxy[]> {
  const results = await Promise.allSettled(starts);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(started.map((p) => p.stop()));
    throw failure.reason;
  }
  return started;
}

const run = promisify(execFile);

/**
 * A system user for dante's `username` method (it checks the passwd/shadow database). Created with
 * useradd/chpasswd when missing and removed again by `remove()` if it was created here.
 */
export async function ensureSystemUser(name: string, password: string): Promise<{ remove(): Promise<void> }> {
  let created = false;
  try {
    await run('id', [name]);
  } catch {
    await run('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    created = true;
  }
  const chpasswd = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
  chpasswd.stdin.end(`${name}:${password}\n`);
  const code = await new Promise<number | null>((resolve) => chpasswd.once('exit', resolve));
  if (code !== 0) throw new Error(`chpasswd failed for ${name} (exit ${code})`);
  return {
    remove: async () => {
      if (created) await run('userdel', [name]);
    },
  };
}
