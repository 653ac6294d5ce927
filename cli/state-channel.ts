/**
 * How `aclk state` reads the live state of the `aclk run` using the same cloud directory: a unix
 * socket `<cloud-dir>/aclk.sock` (inside the 0700 cloud directory, so only its owner can connect).
 * A client connects and receives ONE JSON line (StateReport), computed at that moment, then EOF.
 *
 * Decision: a socket rather than a state file, so the answer is always current (counters included)
 * and a dead run cannot leave a stale answer: a leftover socket that refuses connections is removed
 * by the next `aclk run`; a socket that answers means another run owns this cloud directory, and the
 * second run refuses to start (two links under one identity would fight over the session).
 */
import { mkdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CliError } from './errors.js';

export const SOCKET_NAME = 'aclk.sock';
/** sun_path is 108 bytes on Linux (104 on macOS). */
const MAX_SOCKET_PATH = 103;

export interface StateReport {
  readonly pid: number;
  readonly startedAt: string;
  readonly cloudDir: string;
  /** `toAclkStateJson(link.getState())`: PROTOCOL.md section 7. */
  readonly state: Record<string, unknown>;
}

export const socketPath = (cloudDir: string): string => join(cloudDir, SOCKET_NAME);

export interface StateServer {
  readonly path: string;
  close(): Promise<void>;
}

type Probe = 'live' | 'stale' | 'absent';

/** Whether something answers on the socket path. */
function probe(path: string, timeoutMs = 1000): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (result: Probe): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('live'), timeoutMs);
    socket.once('connect', () => done('live'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? 'absent' : 'stale'));
  });
}

export async function serveState(cloudDir: string, report: () => StateReport): Promise<StateServer> {
  await mkdir(cloudDir, { recursive: true, mode: 0o700 });
  const path = socketPath(cloudDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new CliError('STATE_SOCKET_PATH_TOO_LONG', `the state socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter --cloud-dir`);
  }
  const found = await probe(path);
  if (found === 'live') throw new CliError('LINK_ALREADY_RUNNING', `another aclk run is using ${cloudDir} (its state socket ${path} answers): stop it first`);
  if (found === 'stale') await unlink(path).catch(() => undefined);

  const server: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(`${JSON.stringify(report())}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new CliError('STATE_SOCKET_FAILED', `cannot serve the state on ${path} (${error.code ?? error.message})`)));
    server.listen(path, () => resolve());
  });
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      void unlink(path).catch(() => undefined);
    }),
  };
}

/** The live state of the run using `cloudDir`, or a LINK_NOT_RUNNING CliError. */
export function readState(cloudDir: string, timeoutMs = 3000): Promise<StateReport> {
  const path = socketPath(cloudDir);
  const notRunning = (why: string) => new CliError('LINK_NOT_RUNNING', `no aclk run is using ${cloudDir} (${why}): start one with \`aclk run --cloud-dir ${cloudDir}\``);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CliError('STATE_TIMEOUT', `the aclk run on ${path} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(notRunning(error.code === 'ENOENT' ? `no state socket ${path}` : `its state socket ${path} is stale: ${error.code ?? error.message}`));
    });
    socket.once('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as StateReport);
      } catch {
        reject(new CliError('STATE_BAD_ANSWER', `the state socket ${path} answered something that is not a state report`));
      }
    });
  });
}
