/**
 * The state socket `<cloud-dir>/aclk.sock` is mode 0600 whatever the umask (cli/state-channel.ts),
 * even in a cloud directory that others may enter, leaves nothing else behind, and still serves.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState, serveState, socketPath } from '../../cli/state-channel.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const report = (cloudDir: string) => () => ({ pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', cloudDir, state: { ok: true } });

describe('state socket mode', () => {
  it('under umask 000, in a world-readable cloud directory, the socket is 0600', async () => {
    const cloudDir = join(await makeTempDir('aclk-sock-mode-'), 'cloud.d');
    await mkdir(cloudDir);
    await chmod(cloudDir, 0o755);
    const previous = process.umask(0);
    let server;
    try {
      server = await serveState(cloudDir, report(cloudDir));
    } finally {
      process.umask(previous);
    }
    try {
      const info = await stat(socketPath(cloudDir));
      expect(info.isSocket()).toBe(true);
      expect((info.mode & 0o777).toString(8)).toBe('600');
      expect(await readdir(cloudDir)).toEqual(['aclk.sock']);
      expect((await readState(cloudDir)).state).toEqual({ ok: true });
    } finally {
      await server.close();
    }
    expect(await readdir(cloudDir)).toEqual([]);
  });
});
