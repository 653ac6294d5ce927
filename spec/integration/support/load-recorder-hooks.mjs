// Module resolution hooks (they run on the loader thread): append each resolved URL to ACLK_LOAD_LOG.
import { appendFileSync } from 'node:fs';

const out = process.env.ACLK_LOAD_LOG;

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (out) appendFileSync(out, `${result.url}\n`);
  return result;
}
