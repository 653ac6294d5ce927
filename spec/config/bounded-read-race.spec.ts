/**
 * The path swapped between the check and the open: stat saw a regular file, open finds a FIFO. The
 * open must not block (O_NONBLOCK) and the handle is judged again (fstat) before a byte is read.
 */
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readBoundedFile } from '../../adapters/fs/bounded-read.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, stat: vi.fn(real.stat) };
});

afterEach(cleanupTestResources);

describe('readBoundedFile: a FIFO swapped in after the check', () => {
  it('neither blocks on open nor reads it: FILE_NOT_REGULAR at once', { timeout: 3_000 }, async () => {
    const dir = await makeTempDir();
    const regular = join(dir, 'regular.conf');
    await writeFile(regular, '[global]\n');
    const fifo = join(dir, 'cloud.conf');
    execFileSync('mkfifo', [fifo]);
    // The check sees the regular file; the open gets the FIFO.
    vi.mocked(stat).mockResolvedValueOnce(await stat(regular));
    const error = await readBoundedFile(fifo).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'FILE_NOT_REGULAR', path: fifo });
    expect(vi.mocked(stat)).toHaveBeenCalledWith(fifo);
  });
});
