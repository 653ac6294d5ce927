/** The keys this link reads from netdata.conf (PROTOCOL.md section 1, plus this project's `[cloud]` additions). */
import type { BackoffPolicyName } from '../../machines/backoff/policy.js';
import { ConfigError } from './errors.js';
import { scanIni } from './ini.js';
import { readIni, refuseMisplaced, rules } from './values.js';

export interface NetdataConfValues {
  readonly enabled?: boolean;
  readonly cloudBaseUrl?: string;
  readonly proxy?: string;
  readonly insecure?: boolean;
  readonly caFile?: string;
  readonly backoff: {
    readonly policy?: BackoffPolicyName;
    readonly base?: number;
    readonly minSeconds?: number;
    readonly maxSeconds?: number;
    readonly banRetrySeconds?: number;
  };
}

/** Pure: text in, values out. Throws ConfigError (CONFIG_SYNTAX / CONFIG_BAD_VALUE / CONFIG_DUPLICATE_KEY / CONFIG_MISPLACED_KEY). Unknown keys and sections are ignored. */
export function parseNetdataConf(text: string, file: string): NetdataConfValues {
  const doc = scanIni(text, file);
  refuseMisplaced(doc, 'netdata cloud', 'global');
  const minSeconds = readIni(doc, 'cloud', 'backoff min seconds', rules.seconds(0));
  const maxSeconds = readIni(doc, 'cloud', 'backoff max seconds', rules.seconds(1));
  if (minSeconds !== undefined && maxSeconds !== undefined && maxSeconds < minSeconds) {
    const line = doc.get('cloud', 'backoff max seconds')?.line;
    throw new ConfigError('CONFIG_BAD_VALUE', { file, line, section: 'cloud', key: 'backoff max seconds' },
      `must be at least "backoff min seconds" (${minSeconds}), got ${maxSeconds}`);
  }
  return {
    enabled: readIni(doc, 'global', 'netdata cloud', rules.enableDisable),
    cloudBaseUrl: readIni(doc, 'cloud', 'cloud base url', rules.httpsUrl),
    proxy: readIni(doc, 'cloud', 'proxy', rules.proxy),
    insecure: readIni(doc, 'cloud', 'insecure', rules.yesNo),
    caFile: readIni(doc, 'cloud', 'ca file', rules.text),
    backoff: {
      policy: readIni(doc, 'cloud', 'backoff policy', rules.policy),
      base: readIni(doc, 'cloud', 'backoff base', rules.int(1, 10)),
      minSeconds,
      maxSeconds,
      banRetrySeconds: readIni(doc, 'cloud', 'ban retry seconds', rules.seconds(1)),
    },
  };
}
