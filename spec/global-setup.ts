import { ensureBuilt } from './support/build.js';

/** Child-process tests run the built code: build it once, before any test file starts. */
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
