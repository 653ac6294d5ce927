/**
 * Temporary files a killed writer left behind: `.<name>.<12 hex>.tmp` (writeFileAtomic's naming) for
 * the given names only, regular files only (a symlink or a directory of that name is left alone).
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_RANDOM_BYTES } from './atomic-file.js';

/**
 * A temporary file younger than this may belong to a writer still running in another process (a
 * write lasts milliseconds), so it is kept.
 */
export const STALE_TEMP_AGE_MS = 10_000;

export interface StaleTempOptions {
  /** Only files last modified at least this long ago (default STALE_TEMP_AGE_MS). */
  readonly olderThanMs?: number;
  /** The current time in ms since the epoch (default Date.now()). */
  readonly now?: number;
}

/** Removes the stale temporary files of `names` in `dir`; returns the names removed. Best effort. */
export async function removeStaleTempFiles(dir: string, names: readonly string[], options: StaleTempOptions = {}): Promise<string[]> {
  if (names.length === 0) return [];
  const pattern = tempPattern(names);
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? STALE_TEMP_AGE_MS);
  const entries = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!pattern.test(entry)) continue;
    const path = join(dir, entry);
    const info = await lstat(path).catch(() => null);
    if (info === null || !info.isFile() || info.mtimeMs > cutoff) continue;
    const gone = await rm(path).then(() => true, () => false);
    if (gone) removed.push(entry);
  }
  return removed;
}

function tempPattern(names: readonly string[]): RegExp {
  const alternatives = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`^\\.(?:${alternatives})\\.[0-9a-f]{${TEMP_RANDOM_BYTES * 2}}\\.tmp$`);
}
