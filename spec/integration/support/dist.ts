/** The built dist/ for child-process tests: rebuilt (tsc -p tsconfig.build.json) when missing or stale. */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const SOURCES = ['link', 'adapters', 'effects', 'machines'];

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Path of a built module (e.g. `link/cloud-link.js`), building dist/ first if needed. */
export async function builtModule(relative: string): Promise<string> {
  const target = join(ROOT, 'dist', relative);
  const built = await stat(target).then((s) => s.mtimeMs, () => 0);
  const root = await stat(join(ROOT, 'index.ts')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(root, ...(await Promise.all(SOURCES.map((d) => newestSource(join(ROOT, d))))));
  if (built < sources) {
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
  }
  return target;
}
