/** The composition of file reading and pure parsing: loadConfig, fileConfigSource, fileIdentityStore. */
import { join } from 'node:path';
import type { ConfigSource, IdentityStore, LinkConfig } from '../../effects/ports.js';
import { claimFromEnv, parseClaimConf } from './claim-conf.js';
import { parseClaimedIdFile, parseCloudConf } from './cloud-conf.js';
import { ConfigError } from './errors.js';
import { readConfigFile } from './files.js';
import { buildLinkConfig } from './merge.js';
import { parseNetdataConf } from './netdata-conf.js';

export interface ConfigPaths {
  /** netdata.conf; omitted: defaults only. Given: it must exist on every load (CONFIG_MISSING otherwise). */
  readonly netdataConf?: string;
  /** The cloud.d directory holding cloud.conf and claimed_id (absent files there mean "not claimed"). */
  readonly cloudDir: string;
  /** claim.conf; omitted: auto-claim from the environment only. Given: it must exist on every load. */
  readonly claimConf?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Read everything once. Rejects with a ConfigError (a LinkError with a CONFIG_* code). */
export async function loadConfig(paths: ConfigPaths, env: Environment): Promise<LinkConfig> {
  const [netdataText, claimText] = await Promise.all([givenFile(paths.netdataConf), givenFile(paths.claimConf)]);
  const netdata = netdataText === undefined ? parseNetdataConf('', 'netdata.conf') : parseNetdataConf(netdataText.text, netdataText.path);
  const claimConf = claimText === undefined ? {} : parseClaimConf(claimText.text, claimText.path);
  const claimEnv = claimFromEnv(env);
  const { cloud, claimedIdFile } = await readCloudDir(paths.cloudDir);
  return buildLinkConfig({ netdata, cloud, claimedIdFile, claimConf, claimEnv });
}

/** A ConfigSource that reads the files again on every `load()` (reload on demand). */
export function fileConfigSource(paths: ConfigPaths, env: Environment): ConfigSource {
  return { load: () => loadConfig(paths, env) };
}

/** The claim id, re-read from cloud.conf (then claimed_id) on every call. */
export function fileIdentityStore(cloudDir: string): IdentityStore {
  return {
    claimId: async () => {
      const { cloud, claimedIdFile } = await readCloudDir(cloudDir);
      return cloud.claimId ?? claimedIdFile ?? null;
    },
  };
}

async function readCloudDir(cloudDir: string) {
  const cloudPath = join(cloudDir, 'cloud.conf');
  const text = await readConfigFile(cloudPath);
  const cloud = text === undefined ? {} : parseCloudConf(text, cloudPath);
  if (cloud.claimId !== undefined) return { cloud, claimedIdFile: undefined };
  const idPath = join(cloudDir, 'claimed_id');
  const idText = await readConfigFile(idPath);
  return { cloud, claimedIdFile: idText === undefined ? undefined : parseClaimedIdFile(idText, idPath) };
}

/**
 * A file the operator named. Fail closed: once named, a file that is gone (moved away before a
 * reload, a typo) is CONFIG_MISSING, never "defaults", since the defaults enable the cloud.
 */
async function givenFile(path: string | undefined): Promise<{ path: string; text: string } | undefined> {
  if (path === undefined) return undefined;
  const text = await readConfigFile(path);
  if (text === undefined) throw new ConfigError('CONFIG_MISSING', { file: path }, 'the file was given but does not exist (the link stays disabled until it is back)');
  return { path, text };
}
