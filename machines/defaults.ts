import type { LinkSettings, Timings } from './types.js';

export const DEFAULT_TIMINGS: Timings = {
  connectBudgetMs: 120_000,
  httpBudgetMs: 45_000,
  gracefulBudgetMs: 5_000,
  stableAfterMs: 30_000,
  resetAfterPubacks: 3,
  banRetryMs: 60_000,
};

export const DEFAULT_CLOUD_URL = 'https://app.netdata.cloud';

/** Settings with every default; override what you know. */
export function defaultSettings(overrides: Partial<LinkSettings> = {}): LinkSettings {
  return {
    enabled: true,
    claimId: null,
    cloudUrl: DEFAULT_CLOUD_URL,
    connectionKey: '',
    backoff: { policy: 'full' },
    timings: DEFAULT_TIMINGS,
    ...overrides,
  };
}
