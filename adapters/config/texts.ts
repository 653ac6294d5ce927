/** Pure end to end: the files' texts (undefined = missing) and the environment in, a LinkConfig out. */
import type { LinkConfig } from '../../effects/ports.js';
import { claimFromEnv, parseClaimConf } from './claim-conf.js';
import { parseClaimedIdFile, parseCloudConf } from './cloud-conf.js';
import { buildLinkConfig } from './merge.js';
import { parseNetdataConf } from './netdata-conf.js';

export interface ConfigTexts {
  readonly netdataConf?: string;
  readonly cloudConf?: string;
  readonly claimedId?: string;
  readonly claimConf?: string;
}

/** Throws ConfigError. File names in messages are the plain base names. */
export function parseConfigTexts(texts: ConfigTexts, env: Readonly<Record<string, string | undefined>>): LinkConfig {
  const netdata = parseNetdataConf(texts.netdataConf ?? '', 'netdata.conf');
  const cloud = texts.cloudConf === undefined ? {} : parseCloudConf(texts.cloudConf, 'cloud.conf');
  const claimedIdFile = cloud.claimId === undefined && texts.claimedId !== undefined
    ? parseClaimedIdFile(texts.claimedId, 'claimed_id')
    : undefined;
  const claimConf = texts.claimConf === undefined ? {} : parseClaimConf(texts.claimConf, 'claim.conf');
  return buildLinkConfig({ netdata, cloud, claimedIdFile, claimConf, claimEnv: claimFromEnv(env) });
}
