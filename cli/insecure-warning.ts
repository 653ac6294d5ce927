/**
 * The warnings about `insecure`, printed where the risk begins: before the first request that skips
 * certificate verification. `aclk claim --insecure` warns before the claim request (and says the
 * setting is stored in cloud.conf for every later connection); `aclk run` warns once at start when the
 * configuration it loaded has insecure on (before the env request, the challenge, the password and
 * MQTT over WSS, or an auto-claim).
 */
import { join } from 'node:path';
import type { LinkConfig, Logger } from '../effects/ports.js';

/** `aclk claim --insecure`: before the claim request. */
export function warnInsecureClaim(logger: Logger, url: string, cloudDir: string): void {
  logger.warn('--insecure: the cloud\'s TLS certificate is not verified, so anyone on the network path can impersonate the cloud and '
    + `read the claim token. A successful claim stores it in ${join(cloudDir, 'cloud.conf')} (insecure = yes): every later connection `
    + 'of this node skips verification too, until it is set to no. Use it for a test cloud only', { url });
}

/** `aclk run`: once, before any request, when the loaded configuration has insecure on (link or auto-claim). */
export function warnInsecureRun(logger: Logger, config: LinkConfig, cloudDir: string): void {
  if (!config.enabled) return;
  const link = config.insecure;
  const autoClaim = config.autoClaim?.insecure === true && config.claimId === null;
  if (!link && !autoClaim) return;
  const where = link
    ? `insecure = yes (netdata.conf [cloud] or ${join(cloudDir, 'cloud.conf')})`
    : 'an insecure auto-claim (claim.conf insecure = yes, or -insecure in NETDATA_EXTRA_CLAIM_OPTS)';
  logger.warn(`the configuration has ${where}: the cloud's TLS certificate is not verified on any request of this run, so anyone on `
    + 'the network path can impersonate the cloud. Use it for a test cloud only', { url: link ? config.cloudUrl : config.autoClaim?.url });
}
