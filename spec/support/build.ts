/**
 * The built `dist/` for tests that run child processes: rebuilt (tsc -p tsconfig.build.json) when
 * missing or older than any source. Called once by the global setup; a lock directory keeps parallel
 * callers from building at the same time.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = ['index.ts', 'cli', 'link', 'adapters', 'effects', 'machines', 'simulations', 'devcloud', 'bench'];
const MARK = join(ROOT, 'dist', 'index.js');

async function newest(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (info === null) return 0;
  if (!info.isDirectory()) return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? info.mtimeMs : 0;
  let latest = 0;
  for (const entry of await readdir(path)) latest = Math.max(latest, await newest(join(path, entry)));
  return latest;
}

const builtAt = () => stat(MARK).then((s) => s.mtimeMs, () => 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureBuilt(): Promise<void> {
  const sources = Math.max(...(await Promise.all(SOURCES.map((p) => newest(join(ROOT, p))))));
  if ((await builtAt()) >= sources) return;
  const lock = join(ROOT, 'dist', '.build.lock');
  await mkdir(join(ROOT, 'dist'), { recursive: true });
  for (let i = 0; ; i += 1) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 1200) throw new Error(`build lock ${lock} held for 2 minutes: remove it`);
      await sleep(100);
    }
  }
  try {
    if ((await builtAt()) >= sources) return;
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}
