/**
 * Atomic file writes: a temporary file in the same directory, write, fsync, rename over the target,
 * fsync the directory. A reader (or a crash) sees either the old content or the new one, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LinkError } from '../../effects/errors.js';
import { makeDirs } from '../fs/make-dirs.js';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644). Applied before the rename, so it is never visible wider. */
  readonly mode?: number;
}

/** Random bytes in a temporary file's name (hex: twice as many characters). */
export const TEMP_RANDOM_BYTES = 6;

/** `.<name>.<hex>.tmp`: the temporary file writeFileAtomic writes before renaming it to `<name>`. */
export function tempNameFor(name: string, hex: string): string {
  return `.${name}.${hex}.tmp`;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const mode = options.mode ?? 0o644;
  const temp = join(dir, tempNameFor(basename(path), randomBytes(TEMP_RANDOM_BYTES).toString('hex')));
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    // The umask may have narrowed the mode given to open(); set it exactly.
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** fsync a directory so a rename in it survives a crash. Best effort where the platform refuses. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory: the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Create a private directory (mode 0700) if missing. An existing directory keeps its owner and group
 * bits (netdata uses 0770 with a shared group) but loses any access for others. A path that cannot be
 * a directory is a DIR_UNUSABLE LinkError at once (never a retry loop: see fs/make-dirs.ts).
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const existing = await stat(dir).catch(() => null);
  if (existing === null) {
    await makeDirs(dir, 0o700);
    await chmod(dir, 0o700);
    return;
  }
  if (!existing.isDirectory()) throw new LinkError('DIR_UNUSABLE', `${dir} exists and is not a directory`);
  if ((existing.mode & 0o007) !== 0) await chmod(dir, existing.mode & 0o770);
}
