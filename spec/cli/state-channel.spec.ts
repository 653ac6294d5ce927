/**
 * The `aclk run` ↔ `aclk state` channel (cli/state-channel.ts): a live socket answers the current
 * report; a second server on the same cloud dir is refused; a stale socket left by a killed run is
 * removed; with nothing there, LINK_NOT_RUNNING.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState, serveState, socketPath } from '../../cli/state-channel.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const report = (n: number) => () => ({ pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', cloudDir: 'x', state: { n } });

describe('state channel', () => {
  it('serves the current report, refuses a second server, removes its socket on close', async () => {
    const cloudDir = join(await makeTempDir('aclk-sock-'), 'cloud.d');
    let n = 1;
    const server = await serveState(cloudDir, () => report(n)());
    expect((await readState(cloudDir)).state).toEqual({ n: 1 });
    n = 2;
    expect((await readState(cloudDir)).state).toEqual({ n: 2 });
    expect((await stat(cloudDir)).mode & 0o777).toBe(0o700);
    await expect(serveState(cloudDir, report(3))).rejects.toMatchObject({ code: 'LINK_ALREADY_RUNNING' });
    await server.close();
    await expect(stat(socketPath(cloudDir))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readState(cloudDir)).rejects.toMatchObject({ code: 'LINK_NOT_RUNNING' });
  });

  it('a client that writes garbage and never reads or closes cannot hold the server open (found by the hostile-peer soak)', async () => {
    const cloudDir = join(await makeTempDir('aclk-sock-'), 'cloud.d');
    const server = await serveState(cloudDir, report(1));
    const peer = connect(socketPath(cloudDir));
    peer.on('error', () => undefined);
    peer.pause();
    await new Promise<void>((resolve) => peer.once('connect', () => resolve()));
    peer.write(Buffer.alloc(512 * 1024, 0x41));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    peer.destroy();
    expect((await serveState(cloudDir, report(2)).then(async (again) => { const s = await readState(cloudDir); await again.close(); return s; })).state).toEqual({ n: 2 });
  });

  it('a stale socket (its process was killed) is removed by the next server', async () => {
    const cloudDir = await makeTempDir('aclk-sock-');
    const path = socketPath(cloudDir);
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await stat(path)).isSocket()).toBe(true);
    await expect(readState(cloudDir)).rejects.toMatchObject({ code: 'LINK_NOT_RUNNING' });
    const server = await serveState(cloudDir, report(7));
    expect((await readState(cloudDir)).state).toEqual({ n: 7 });
    await server.close();
  });
});
