/**
 * Optional packages (issue 15): what only the development cloud (`zod`, `aedes`, `@peculiar/x509`
 * with `reflect-metadata`) or the live inspector (`@statelyai/inspect`) needs is an optional peer
 * dependency, installed in a checkout (devDependencies) but not for an embedder who only links.
 * Those features load it on use; when it is absent they fail with OPTIONAL_PACKAGE_MISSING, naming
 * what to install, instead of a bare ERR_MODULE_NOT_FOUND.
 */
import { LinkError } from '../effects/errors.js';

/** The optional packages, and what each is for (the error message names them). */
export const OPTIONAL_PACKAGES = {
  aedes: 'the development cloud\'s embedded broker (aclk cloud --broker aedes)',
  '@peculiar/x509': 'the development cloud\'s generated certificates (aclk cloud without --cert)',
  'reflect-metadata': 'the development cloud\'s generated certificates (with @peculiar/x509)',
  '@statelyai/inspect': 'the live inspector (aclk run --inspect, aclk replay --inspect)',
  zod: 'the development cloud (aclk cloud, aclk demo)',
} as const;
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** Whether `error` says that one of `names` (or a file inside it) could not be found. */
function missingPackage(error: unknown, names: readonly OptionalPackage[]): OptionalPackage | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return null;
  const message = error instanceof Error ? error.message : '';
  return names.find((name) => message.includes(`'${name}'`) || message.includes(`/node_modules/${name}/`)) ?? null;
}

/**
 * `await load()`, where `load` imports a module that needs the packages `names`; their absence is
 * OPTIONAL_PACKAGE_MISSING (any other failure is passed on as it is).
 */
export async function importOptional<T>(names: readonly OptionalPackage[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error, names);
    if (missing === null) throw error;
    throw new LinkError('OPTIONAL_PACKAGE_MISSING',
      `${OPTIONAL_PACKAGES[missing]} needs the optional package ${missing}, which is not installed: npm install ${names.join(' ')}`);
  }
}
