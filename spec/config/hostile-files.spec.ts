/**
 * Configuration files that are not what they claim to be: a FIFO, /dev/zero behind a symlink, a socket,
 * a directory, a huge file. Each is a coded error at once, with bounded memory; none hangs.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../adapters/config/files.js';
import { loadConfig } from '../../adapters/config/load.js';
import { DEFAULT_MAX_FILE_BYTES, FileReadError, readBoundedFile } from '../../adapters/fs/bounded-read.js';
import { LinkError } from '../../effects/errors.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

/** Short: a read that blocks on a FIFO, or reads /dev/zero, would blow it. */
const AT_ONCE_MS = 3_000;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((done) => server.close(() => done()));
  await cleanupTestResources();
});

async function rejection(promise: Promise<unknown>): Promise<LinkError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return error as LinkError;
}

async function fifoIn(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

async function socketIn(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const server = createServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen(path, done));
  return path;
}

describe('readConfigFile: only regular files, never more than the cap', () => {
  it('a FIFO: CONFIG_NOT_REGULAR_FILE at once (no writer needed to return)', { timeout: AT_ONCE_MS }, async () => {
    const path = await fifoIn(await makeTempDir(), 'netdata.conf');
    const error = await rejection(readConfigFile(path));
    expect(error).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', file: path });
    expect(error.message).toContain('FIFO');
  });

  it('a symlink to /dev/zero: CONFIG_NOT_REGULAR_FILE, without reading it', { timeout: AT_ONCE_MS }, async () => {
    const path = join(await makeTempDir(), 'cloud.conf');
    await symlink('/dev/zero', path);
    const heapBefore = process.memoryUsage().heapUsed;
    const error = await rejection(readConfigFile(path));
    expect(error).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', file: path });
    expect(error.message).toContain('character device');
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
  });

  it('a socket and a directory: CONFIG_NOT_REGULAR_FILE naming the kind', { timeout: AT_ONCE_MS }, async () => {
    const dir = await makeTempDir();
    const socket = await socketIn(dir, 's.conf');
    expect(await rejection(readConfigFile(socket))).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', message: expect.stringContaining('socket') as unknown });
    const sub = join(dir, 'd.conf');
    await mkdir(sub);
    expect(await rejection(readConfigFile(sub))).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', message: expect.stringContaining('it is a directory') as unknown });
  });

  it('over the cap: CONFIG_TOO_LARGE naming the file; at the cap: read', async () => {
    const dir = await makeTempDir();
    const path = join(dir, 'netdata.conf');
    await writeFile(path, 'x'.repeat(101));
    const error = await rejection(readConfigFile(path, { maxBytes: 100 }));
    expect(error).toMatchObject({ code: 'CONFIG_TOO_LARGE', file: path });
    expect(error.message).toContain('larger than 100 bytes');
    await writeFile(path, 'x'.repeat(100));
    expect(await readConfigFile(path, { maxBytes: 100 })).toBe('x'.repeat(100));
  });

  it('the default cap is 1 MiB', async () => {
    const path = join(await makeTempDir(), 'netdata.conf');
    await writeFile(path, Buffer.alloc(DEFAULT_MAX_FILE_BYTES + 1, 0x20));
    expect((await rejection(readConfigFile(path))).code).toBe('CONFIG_TOO_LARGE');
  });

  it('a symlink to a regular file is read; a missing file is undefined; a dangling symlink is missing', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'real.conf'), '[global]\n');
    await symlink(join(dir, 'real.conf'), join(dir, 'link.conf'));
    expect(await readConfigFile(join(dir, 'link.conf'))).toBe('[global]\n');
    expect(await readConfigFile(join(dir, 'nope.conf'))).toBeUndefined();
    await symlink(join(dir, 'gone.conf'), join(dir, 'dangling.conf'));
    expect(await readConfigFile(join(dir, 'dangling.conf'))).toBeUndefined();
  });
});

describe('loadConfig: a hostile cloud.d', () => {
  it('a FIFO as cloud.conf: CONFIG_NOT_REGULAR_FILE at once, not a hang', { timeout: AT_ONCE_MS }, async () => {
    const cloudDir = await makeTempDir();
    const path = await fifoIn(cloudDir, 'cloud.conf');
    expect(await rejection(loadConfig({ cloudDir }, {}))).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', file: path });
  });

  it('cloud.conf symlinked to /dev/zero: CONFIG_NOT_REGULAR_FILE at once', { timeout: AT_ONCE_MS }, async () => {
    const cloudDir = await makeTempDir();
    await symlink('/dev/zero', join(cloudDir, 'cloud.conf'));
    expect((await rejection(loadConfig({ cloudDir }, {}))).code).toBe('CONFIG_NOT_REGULAR_FILE');
  });

  it('a FIFO as claimed_id: CONFIG_NOT_REGULAR_FILE at once', { timeout: AT_ONCE_MS }, async () => {
    const cloudDir = await makeTempDir();
    await fifoIn(cloudDir, 'claimed_id');
    expect((await rejection(loadConfig({ cloudDir }, {}))).code).toBe('CONFIG_NOT_REGULAR_FILE');
  });
});

describe('readBoundedFile', () => {
  it('throws FileReadError with a generic code and the problem', { timeout: AT_ONCE_MS }, async () => {
    const dir = await makeTempDir();
    const fifo = await fifoIn(dir, 'p');
    const error = await rejection(readBoundedFile(fifo));
    expect(error).toBeInstanceOf(FileReadError);
    expect(error).toMatchObject({ code: 'FILE_NOT_REGULAR', problem: 'not-regular', path: fifo });
    await writeFile(join(dir, 'big'), 'abcdef');
    expect(await rejection(readBoundedFile(join(dir, 'big'), { maxBytes: 5 }))).toMatchObject({ code: 'FILE_TOO_LARGE', problem: 'too-large' });
    expect((await readBoundedFile(join(dir, 'big'), { maxBytes: 6 }))?.toString()).toBe('abcdef');
  });

  it('a file that cannot be opened: FILE_UNREADABLE with the errno', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'f'), 'x');
    // A path through a regular file: ENOTDIR.
    expect(await rejection(readBoundedFile(join(dir, 'f', 'child')))).toMatchObject({ code: 'FILE_UNREADABLE', reason: 'ENOTDIR' });
  });
});
