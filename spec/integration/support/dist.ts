/** The built dist/ for child-process tests (see ../../support/build.ts). */
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../../support/build.js';

export { ROOT };

/** Path of a built module (e.g. `link/cloud-link.js`), building dist/ first if needed. */
export async function builtModule(relative: string): Promise<string> {
  await ensureBuilt();
  return join(ROOT, 'dist', relative);
}
