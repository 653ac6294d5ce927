/** Auto-claim inputs: claim.conf `[global]` and the NETDATA_CLAIM_* environment variables. */
import { scanIni } from './ini.js';
import { readEnv, readIni, refuseMisplaced, rules } from './values.js';

export interface ClaimValues {
  readonly url?: string;
  readonly token?: string;
  readonly rooms?: readonly string[];
  readonly proxy?: string;
  readonly insecure?: boolean;
}

const KEYS = ['url', 'token', 'rooms', 'proxy', 'insecure'] as const;

/** Pure. Throws ConfigError; a claim key outside [global] is CONFIG_MISPLACED_KEY. The token is never quoted in messages. */
export function parseClaimConf(text: string, file: string): ClaimValues {
  const doc = scanIni(text, file);
  for (const key of KEYS) refuseMisplaced(doc, key, 'global');
  return {
    url: readIni(doc, 'global', 'url', rules.httpsUrl),
    token: readIni(doc, 'global', 'token', rules.secretText),
    rooms: readIni(doc, 'global', 'rooms', rules.rooms),
    proxy: readIni(doc, 'global', 'proxy', rules.proxy),
    insecure: readIni(doc, 'global', 'insecure', rules.yesNo),
  };
}

/**
 * Pure. NETDATA_CLAIM_URL, _TOKEN, _ROOMS (comma separated), _PROXY, and NETDATA_EXTRA_CLAIM_OPTS, in
 * which `-insecure` (or `--insecure`) turns insecure on; its other options (netdata-claim.sh's
 * `-id=`, `-noreload`...) are ignored, and without `-insecure` it leaves `insecure` unset rather than false.
 */
export function claimFromEnv(env: Readonly<Record<string, string | undefined>>): ClaimValues {
  const opts = (env.NETDATA_EXTRA_CLAIM_OPTS ?? '').split(/\s+/);
  const insecure = opts.includes('-insecure') || opts.includes('--insecure') ? true : undefined;
  return {
    url: readEnv(env, 'NETDATA_CLAIM_URL', rules.httpsUrl),
    token: readEnv(env, 'NETDATA_CLAIM_TOKEN', rules.secretText),
    rooms: readEnv(env, 'NETDATA_CLAIM_ROOMS', rules.rooms),
    proxy: readEnv(env, 'NETDATA_CLAIM_PROXY', rules.proxy),
    insecure,
  };
}
