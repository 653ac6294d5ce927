/**
 * A configuration source the simulation edits at will, including making it invalid.
 */
import { LinkError } from '../../effects/errors.js';
import type { ConfigSource, LinkConfig } from '../../effects/ports.js';

export function simConfig(overrides: Partial<LinkConfig> = {}): LinkConfig {
  return {
    enabled: true,
    cloudUrl: 'https://cloud.sim',
    proxy: 'none',
    insecure: false,
    claimId: '11111111-2222-4333-8444-555555555555',
    backoff: { policy: 'full' },
    autoClaim: null,
    ...overrides,
  };
}

export class SimConfigSource implements ConfigSource {
  invalid: LinkError | null = null;

  constructor(public config: LinkConfig) {}

  set(changes: Partial<LinkConfig>): void {
    this.config = { ...this.config, ...changes };
    this.invalid = null;
  }

  async load(): Promise<LinkConfig> {
    if (this.invalid) throw this.invalid;
    return this.config;
  }
}
