/** `<cloud.d>/cloud.conf` (written by a successful claim) and the legacy `<cloud.d>/claimed_id`. */
import { ConfigError } from './errors.js';
import { scanIni } from './ini.js';
import { readIni, refuseMisplaced, rules } from './values.js';

export interface CloudConfValues {
  readonly url?: string;
  readonly proxy?: string;
  readonly insecure?: boolean;
  readonly claimId?: string;
  readonly hostname?: string;
}

const KEYS = ['url', 'proxy', 'insecure', 'claimed_id', 'hostname'] as const;

/** Pure. Throws ConfigError; a key of ours outside [global] is CONFIG_MISPLACED_KEY. */
export function parseCloudConf(text: string, file: string): CloudConfValues {
  const doc = scanIni(text, file);
  for (const key of KEYS) refuseMisplaced(doc, key, 'global');
  return {
    url: readIni(doc, 'global', 'url', rules.httpsUrl),
    proxy: readIni(doc, 'global', 'proxy', rules.proxy),
    insecure: readIni(doc, 'global', 'insecure', rules.yesNo),
    claimId: readIni(doc, 'global', 'claimed_id', rules.uuid),
    hostname: readIni(doc, 'global', 'hostname', rules.text),
  };
}

/** Pure. One UUID, surrounding whitespace ignored; an empty file means "not claimed" (undefined). */
export function parseClaimedIdFile(text: string, file: string): string | undefined {
  const value = text.replace(/^\uFEFF/, '').trim();
  if (value === '') return undefined;
  const result = rules.uuid.check(value);
  if (!result.ok) {
    const line = text.slice(0, text.indexOf(value)).split(/\r\n|\n|\r/).length;
    throw new ConfigError('CONFIG_BAD_VALUE', { file, line }, result.reason);
  }
  return result.value;
}
