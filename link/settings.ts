/**
 * From the validated configuration to the machine's settings.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LinkConfig } from '../effects/ports.js';
import { DEFAULT_TIMINGS } from '../machines/defaults.js';
import type { LinkSettings, Timings } from '../machines/types.js';

/** Per-process salt: the fingerprint only needs to be comparable within one run. */
const SALT = randomBytes(16);

/**
 * A fingerprint of everything that shapes a connection. Hashed with a per-process salt, so that proxy
 * credentials in the raw proxy setting never reach the machine's context, inspector or recordings, not
 * even as a hash that a weak password could be guessed from.
 */
export function connectionKey(config: LinkConfig): string {
  const material = JSON.stringify([config.cloudUrl, config.proxy, config.insecure, config.caFile ?? null]);
  return createHash('sha256').update(SALT).update(material).digest('hex').slice(0, 16);
}

export function toSettings(config: LinkConfig, timings: Partial<Timings> = {}): LinkSettings {
  const { policy, base, minSeconds, maxSeconds, banRetrySeconds } = config.backoff;
  return {
    enabled: config.enabled,
    claimId: config.claimId,
    cloudUrl: config.cloudUrl,
    connectionKey: connectionKey(config),
    backoff: {
      policy,
      ...(base !== undefined ? { base } : {}),
      ...(minSeconds !== undefined ? { minSeconds } : {}),
      ...(maxSeconds !== undefined ? { maxSeconds } : {}),
    },
    timings: {
      ...DEFAULT_TIMINGS,
      ...(banRetrySeconds !== undefined ? { banRetryMs: banRetrySeconds * 1000 } : {}),
      ...timings,
    },
  };
}

/** The proxy setting without credentials (scheme, host and port), for state output and logs. */
export function displayProxy(raw: string): string {
  const value = raw.trim();
  if (value === '' || value.toLowerCase() === 'none') return 'none';
  if (value.toLowerCase() === 'env') return 'env';
  const at = value.lastIndexOf('@');
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(value);
  const rest = at >= 0 ? value.slice(at + 1) : scheme ? value.slice(scheme[0].length) : value;
  return `${scheme ? scheme[1]!.toLowerCase() : 'http'}://${rest.replace(/\/.*$/, '')}`;
}
