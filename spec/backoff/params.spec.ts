/**
 * The effective backoff parameters (PROTOCOL.md section 6, rule 3): explicit configuration (seconds)
 * wins over the cloud's env answer (milliseconds on the wire, carried as fractional seconds), which
 * wins over the defaults (base 2, 0 s, 1024 s); max is never below min. Expected values by hand.
 */
import { describe, expect, it } from 'vitest';
import { resolveBackoffParams } from '../../machines/backoff/plan.js';
import { isBackoffPolicy } from '../../machines/backoff/policy.js';

describe('backoff parameters', () => {
  it.each([
    ['defaults', {}, undefined, { base: 2, minMs: 0, maxMs: 1_024_000 }],
    ['the env answer', {}, { base: 3, minSeconds: 1.5, maxSeconds: 60 }, { base: 3, minMs: 1_500, maxMs: 60_000 }],
    ['configuration over env, field by field', { base: 5, maxSeconds: 120 }, { base: 3, minSeconds: 2, maxSeconds: 60 }, { base: 5, minMs: 2_000, maxMs: 120_000 }],
    ['max raised to min', { minSeconds: 300 }, { maxSeconds: 60 }, { base: 2, minMs: 300_000, maxMs: 300_000 }],
    ['max raised to a configured min over the default max', { minSeconds: 2_000 }, undefined, { base: 2, minMs: 2_000_000, maxMs: 2_000_000 }],
    ['env milliseconds rounded to whole ms', {}, { minSeconds: 0.0015, maxSeconds: 0.5004 }, { base: 2, minMs: 2, maxMs: 500 }],
    ['a zero from configuration is a value, not "unset"', { minSeconds: 0, maxSeconds: 0 }, { minSeconds: 5, maxSeconds: 60 }, { base: 2, minMs: 0, maxMs: 0 }],
  ] as const)('%s', (_name, config, env, expected) => {
    expect(resolveBackoffParams(config, env)).toEqual(expected);
  });

  it('knows its five policy names and nothing else', () => {
    for (const name of ['full', 'equal', 'decorrelated', 'none', 'netdata']) expect(isBackoffPolicy(name), name).toBe(true);
    for (const name of ['FULL', 'jitter', '', 'full ', 42, null, undefined]) expect(isBackoffPolicy(name), String(name)).toBe(false);
  });
});
