/**
 * How `aclk state` reads the live state of the `aclk run` using the same cloud directory: a unix
 * socket `<cloud-dir>/aclk.sock` (inside the 0700 cloud directory, so only its owner can connect).
 * A client connects and receives ONE JSON line (StateReport), computed at that moment, then EOF.
 *
 * Decision: a socket rather than a state file, so the answer is always current (counters included)
 * and a dead run cannot leave a stale answer: a leftover socket that refuses connections is removed
 * by the next `aclk run`; a socket that answers means another run owns this cloud directory, and the
 * second run refuses to start (two links under one identity would fight over the session).
 *
 * The socket is mode 0600 whatever the umask, and never reachable with a wider mode: it is bound in a
 * fresh 0700 directory, set to 0600, then hard-linked to its place (which also fails, rather than
 * replaces, if another run took the place meanwhile). Another user gets EACCES: LINK_STATE_DENIED.
 */
import { chmod, link, mkdtemp, rmdir, unlink } from 'node:fs/promises';
import { makeDirs } from '../adapters/fs/make-dirs.js';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { CliError } from './errors.js';

export const SOCKET_NAME = 'aclk.sock';
/** sun_path is 108 bytes on Linux (104 on macOS). */
const MAX_SOCKET_PATH = 103;
/** The longest a state client may stay connected. */
const CLIENT_TIMEOUT_MS = 2_000;

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
  await makeDirs(cloudDir, 0o700);
  const path = socketPath(cloudDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new CliError('STATE_SOCKET_PATH_TOO_LONG', `the state socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter --cloud-dir`);
  }
  const found = await probe(path);
  if (found === 'live') throw new CliError('LINK_ALREADY_RUNNING', `another aclk run is using ${cloudDir} (its state socket ${path} answers): stop it first`);
  if (found === 'stale') await unlink(path).catch(() => undefined);

  // A client only receives: what it sends is never read, and its socket is destroyed once the answer
  // is written or after CLIENT_TIMEOUT_MS, so a client that writes and never reads (or never closes)
  // cannot hold the run open at stop (server.close waits for every connection).
  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy());
    socket.end(`${JSON.stringify(report())}\n`, () => socket.destroy());
  });
  await listenPrivately(server, cloudDir, path);
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of clients) socket.destroy();
      void unlink(path).catch(() => undefined);
    }),
  };
}

/** Listens on `path` with a socket of mode 0600 (see the top of this file). */
async function listenPrivately(server: Server, cloudDir: string, path: string): Promise<void> {
  const failed = (error: NodeJS.ErrnoException) => new CliError('STATE_SOCKET_FAILED', `cannot serve the state on ${path} (${error.code ?? error.message})`);
  const dir = await mkdtemp(join(cloudDir, '.')).catch((error: NodeJS.ErrnoException) => {
    throw failed(error);
  });
  const bound = join(dir, 's');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(failed(error)));
      server.listen(bound, () => resolve());
    });
    await chmod(bound, 0o600);
    await link(bound, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new CliError('LINK_ALREADY_RUNNING', `another aclk run is using ${cloudDir} (it created ${path} first): stop it first`);
      throw failed(error);
    });
  } catch (error) {
    server.close();
    throw error instanceof CliError ? error : failed(error as NodeJS.ErrnoException);
  } finally {
    await unlink(bound).catch(() => undefined);
    await rmdir(dir).catch(() => undefined);
  }
}

/** Connection errors that say this user is refused (the cloud directory or the socket is another user's), not that no run is there. */
const DENIED = new Set(['EACCES', 'EPERM']);

/** The live state of the run using `cloudDir`; a LINK_NOT_RUNNING or LINK_STATE_DENIED CliError. */
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
      if (DENIED.has(error.code ?? '')) {
        reject(new CliError('LINK_STATE_DENIED', `this user may not read the state of the aclk run using ${cloudDir} (${error.code} on ${path}): run aclk state as the user that runs aclk run`));
        return;
      }
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
