/**
 * `mkdir -p` that always ends. Node's own `mkdir(..., { recursive: true })` spins forever on a path
 * whose parent exists but refuses children with ENOENT (`/proc/1/x.d`): it creates the parent
 * (EEXIST), retries the child (ENOENT), and so on. Here every missing component is created once, top
 * down, and the first refusal is a DIR_UNUSABLE error naming the directory and the reason.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LinkError } from '../../effects/errors.js';

/** Creates `dir` and its missing parents with `mode`. Returns the directories it created, top first. */
export async function makeDirs(dir: string, mode: number): Promise<string[]> {
  const target = resolve(dir);
  const missing: string[] = [];
  // Walk up to the nearest existing ancestor; dirname shortens the path each step, so this ends.
  for (let current = target; ; current = dirname(current)) {
    const info = await stat(current).catch((error: unknown) => {
      // ENOTDIR: a parent is not a directory; walking on up names it.
      if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
      throw unusable(target, current, errnoOf(error), error);
    });
    if (info !== null) {
      if (!info.isDirectory()) throw unusable(target, current, 'it exists and is not a directory');
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const component of missing) {
    try {
      await mkdir(component, { mode });
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EEXIST' && (await stat(component).catch(() => null))?.isDirectory() === true) continue;
      const reason = code === 'ENOENT' ? 'ENOENT: the file system refuses to create a directory there' : code;
      throw unusable(target, component, reason, error);
    }
  }
  return missing;
}

function unusable(target: string, component: string, reason: string, cause?: unknown): LinkError {
  const where = component === target ? '' : ` (at ${component})`;
  return new LinkError('DIR_UNUSABLE', `cannot create the directory ${target}${where}: ${reason}`, cause === undefined ? {} : { cause });
}

function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
