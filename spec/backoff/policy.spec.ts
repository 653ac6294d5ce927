import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BACKOFF_POLICIES, exponentialMs, policyDelay, type BackoffParams } from '../../machines/backoff/policy.js';
import { planWait } from '../../machines/backoff/plan.js';

const params = fc
  .record({ base: fc.integer({ min: 1, max: 10 }), minSeconds: fc.integer({ min: 0, max: 600 }), span: fc.integer({ min: 0, max: 4000 }) })
  .map(({ base, minSeconds, span }): BackoffParams => ({ base, minMs: minSeconds * 1000, maxMs: (minSeconds + span) * 1000 }));
const policy = fc.constantFrom(...BACKOFF_POLICIES);
const step = fc.record({
  attempt: fc.integer({ min: 1, max: 200 }),
  previousMs: fc.integer({ min: 0, max: 5_000_000 }),
  random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe('backoff policies', () => {
  test.prop([policy, params, step])('every wait is a whole number of ms within [min, max]', (name, p, s) => {
    const d = policyDelay(name, p, s);
    expect(Number.isInteger(d)).toBe(true);
    expect(d).toBeGreaterThanOrEqual(p.minMs);
    expect(d).toBeLessThanOrEqual(p.maxMs);
  });

  test.prop([params, step])('full jitter stays below the capped exponential', (p, s) => {
    const cap = Math.min(p.maxMs, Math.max(p.minMs, exponentialMs(p.base, s.attempt)));
    expect(policyDelay('full', p, s)).toBeLessThanOrEqual(cap);
  });

  test.prop([params, step])('equal jitter waits at least half of the capped exponential', (p, s) => {
    const cap = Math.min(p.maxMs, Math.max(p.minMs, exponentialMs(p.base, s.attempt)));
    expect(policyDelay('equal', p, s)).toBeGreaterThanOrEqual(Math.floor(cap / 2));
  });

  test.prop([params, step])('decorrelated never exceeds three times the previous wait (or the 1 s floor)', (p, s) => {
    const lo = Math.min(p.maxMs, Math.max(p.minMs, 1000));
    const previous = s.previousMs > 0 ? s.previousMs : lo;
    expect(policyDelay('decorrelated', p, s)).toBeLessThanOrEqual(Math.max(lo, previous * 3));
  });

  test.prop([params, step])('none waits exactly the minimum', (p, s) => {
    expect(policyDelay('none', p, s)).toBe(p.minMs);
  });

  test.prop([params, step])('netdata: the original formula, clamped in milliseconds (the cap bug fixed)', (p, s) => {
    const d = policyDelay('netdata', p, s);
    const exp = exponentialMs(p.base, s.attempt - 1);
    const raw = s.attempt === 1 ? 0 : exp + Math.floor(s.random * Math.max(1000, exp / 2));
    expect(d).toBe(Math.floor(Math.min(p.maxMs, Math.max(p.minMs, raw))));
  });

  test('netdata: once capped, the wait is the cap in milliseconds, not about one second', () => {
    const p = { base: 2, minMs: 0, maxMs: 1024_000 };
    expect(policyDelay('netdata', p, { attempt: 30, previousMs: 0, random: 0.5 })).toBe(1_024_000);
  });

  test.prop([policy, params, step])('the same inputs give the same wait', (name, p, s) => {
    expect(policyDelay(name, p, s)).toBe(policyDelay(name, p, s));
  });
});

const waitInput = fc.record({
  now: fc.integer({ min: 1, max: 2 ** 41 }),
  banned: fc.boolean(),
  banRetryMs: fc.integer({ min: 1000, max: 600_000 }),
  blockIn: fc.option(fc.integer({ min: -100_000, max: 10_000_000 }), { nil: null }),
  policy,
  params,
  attempt: fc.integer({ min: 1, max: 50 }),
  previousMs: fc.integer({ min: 0, max: 100_000 }),
  rng: fc.integer(),
});

describe('choosing the wait: ban > block-until > policy', () => {
  test.prop([waitInput])('precedence and exactness', (w) => {
    const blockUntil = w.blockIn === null ? null : w.now + w.blockIn;
    const plan = planWait({ ...w, blockUntil });
    if (w.banned) {
      expect(plan).toMatchObject({ kind: 'ban', delayMs: w.banRetryMs });
    } else if (blockUntil !== null && blockUntil > w.now) {
      expect(plan).toMatchObject({ kind: 'block', delayMs: blockUntil - w.now });
    } else {
      expect(plan.kind).toBe('policy');
      expect(plan.delayMs).toBeGreaterThanOrEqual(w.params.minMs);
      expect(plan.delayMs).toBeLessThanOrEqual(w.params.maxMs);
    }
  });

  test.prop([waitInput])('deterministic for a seed: the same generator state gives the same plan', (w) => {
    const input = { ...w, blockUntil: null, banned: false };
    expect(planWait(input)).toEqual(planWait(input));
  });

  test.prop([fc.integer(), params])('different draws follow from the advanced generator state', (rng, p) => {
    const first = planWait({ now: 1, banned: false, banRetryMs: 60_000, blockUntil: null, policy: 'full', params: p, attempt: 12, previousMs: 0, rng });
    expect(first.rng).not.toBe(rng);
  });
});
