/**
 * One LinkConfig from the parsed parts. Precedence decisions (PROTOCOL.md section 1 is silent):
 * - cloudUrl: once the node is claimed, cloud.conf `url` wins: netdata writes there the cloud the
 *   claim was made against, and the claim id means nothing to any other cloud. Otherwise (or without
 *   a url in cloud.conf) netdata.conf `[cloud] cloud base url`, else https://app.netdata.cloud.
 * - proxy and insecure: netdata.conf `[cloud]` (the operator's file) wins over cloud.conf (written by
 *   the claim); proxy defaults to `env`, insecure to false.
 * - claimId: cloud.conf `claimed_id`, else the legacy `claimed_id` file, else null (not claimed).
 * - autoClaim: per field, NETDATA_CLAIM_* wins over claim.conf (containers set the environment and
 *   may ship an image with a claim.conf); `-insecure` in the environment or `insecure = yes` in
 *   claim.conf turns insecure on. Null without a token. Without a url it claims against the cloud
 *   base url. It is filled in whether or not the node is claimed: whether to claim is the caller's call.
 * - enabled: `[global] netdata cloud`, default enable.
 */
import type { AutoClaim, BackoffConfig, LinkConfig } from '../../effects/ports.js';
import type { ClaimValues } from './claim-conf.js';
import type { CloudConfValues } from './cloud-conf.js';
import type { NetdataConfValues } from './netdata-conf.js';

export const DEFAULT_CLOUD_URL = 'https://app.netdata.cloud';
export const DEFAULT_PROXY = 'env';

export interface ConfigParts {
  readonly netdata: NetdataConfValues;
  readonly cloud: CloudConfValues;
  /** From the claimed_id file; consulted only when cloud.conf has no claimed_id. */
  readonly claimedIdFile?: string;
  readonly claimConf: ClaimValues;
  readonly claimEnv: ClaimValues;
}

export function buildLinkConfig(parts: ConfigParts): LinkConfig {
  const { netdata, cloud } = parts;
  const claimId = cloud.claimId ?? parts.claimedIdFile ?? null;
  const baseUrl = netdata.cloudBaseUrl ?? DEFAULT_CLOUD_URL;
  const cloudUrl = claimId !== null && cloud.url !== undefined ? cloud.url : baseUrl;
  return {
    enabled: netdata.enabled ?? true,
    cloudUrl,
    proxy: netdata.proxy ?? cloud.proxy ?? DEFAULT_PROXY,
    insecure: netdata.insecure ?? cloud.insecure ?? false,
    ...(netdata.caFile !== undefined ? { caFile: netdata.caFile } : {}),
    claimId,
    ...(cloud.hostname !== undefined ? { hostname: cloud.hostname } : {}),
    backoff: buildBackoff(netdata.backoff),
    autoClaim: buildAutoClaim(parts.claimEnv, parts.claimConf, baseUrl),
  };
}

/** Only explicitly configured numbers are present: they win over the cloud's env answer. */
function buildBackoff(values: NetdataConfValues['backoff']): BackoffConfig {
  const { policy, base, minSeconds, maxSeconds, banRetrySeconds } = values;
  return {
    policy: policy ?? 'full',
    ...(base !== undefined ? { base } : {}),
    ...(minSeconds !== undefined ? { minSeconds } : {}),
    ...(maxSeconds !== undefined ? { maxSeconds } : {}),
    ...(banRetrySeconds !== undefined ? { banRetrySeconds } : {}),
  };
}

function buildAutoClaim(env: ClaimValues, file: ClaimValues, baseUrl: string): AutoClaim | null {
  const token = env.token ?? file.token;
  if (token === undefined) return null;
  const proxy = env.proxy ?? file.proxy;
  return {
    url: env.url ?? file.url ?? baseUrl,
    token,
    rooms: env.rooms ?? file.rooms ?? [],
    ...(proxy !== undefined ? { proxy } : {}),
    insecure: env.insecure === true || file.insecure === true,
  };
}
