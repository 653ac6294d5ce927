/** `<cloud.d>/cloud.conf`, written by a successful claim (PROTOCOL.md section 1). */
import { join } from 'node:path';
import { writeFileAtomic } from '../identity/atomic-file.js';

export const CLOUD_CONF_FILE = 'cloud.conf';

export interface CloudConf {
  readonly url: string;
  /** The raw proxy setting; `env` when none was given. */
  readonly proxy: string;
  readonly insecure: boolean;
  readonly claimedId: string;
  readonly hostname: string;
}

/** The INI text netdata writes: one `[global]` section, no quoting. Values must be single-line. */
export function renderCloudConf(conf: CloudConf): string {
  return [
    '[global]',
    `  url = ${conf.url}`,
    `  proxy = ${conf.proxy}`,
    `  insecure = ${conf.insecure ? 'yes' : 'no'}`,
    `  claimed_id = ${conf.claimedId}`,
    `  hostname = ${conf.hostname}`,
    '',
  ].join('\n');
}

export async function writeCloudConf(cloudDir: string, conf: CloudConf): Promise<void> {
  await writeFileAtomic(join(cloudDir, CLOUD_CONF_FILE), renderCloudConf(conf), { mode: 0o640 });
}
