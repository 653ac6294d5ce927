/**
 * Backoff policies (PROTOCOL.md section 6) against expectations that do not come from the code under
 * test: tables computed by hand for fixed random draws, literal mulberry32 draws for fixed seeds, and
 * bounds from the formulas written out below (no helper of machines/backoff is used to expect).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BACKOFF_POLICIES, policyDelay, type BackoffParams, type BackoffPolicyName } from '../../machines/backoff/policy.js';
import { planWait } from '../../machines/backoff/plan.js';

const params = fc
  .record({ base: fc.integer({ min: 1, max: 10 }), minSeconds: fc.integer({ min: 0, max: 600 }), span: fc.integer({ min: 0, max: 4000 }) })
  .map(({ base, minSeconds, span }): BackoffParams => ({ base, minMs: minSeconds * 1000, maxMs: (minSeconds + span) * 1000 }));
const policy = fc.constantFrom(...BACKOFF_POLICIES);
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const step = fc.record({ attempt: fc.integer({ min: 1, max: 200 }), previousMs: fc.integer({ min: 0, max: 5_000_000 }), random: unit });

/** The capped exponential of PROTOCOL.md section 6, written out: base^(attempt-1) s, within [min, max]. */
const cappedExp = (p: BackoffParams, attempt: number): number => Math.min(p.maxMs, Math.max(p.minMs, 1000 * p.base ** (attempt - 1)));

const DEFAULTS: BackoffParams = { base: 2, minMs: 0, maxMs: 1_024_000 };
const NARROW: BackoffParams = { base: 2, minMs: 5_000, maxMs: 60_000 };

type Row = readonly [BackoffPolicyName, BackoffParams, number, number, number, number];
// [policy, params, attempt, previousMs, random, expected ms], each expected value worked out by hand.
const TABLE: readonly Row[] = [
  ['full', DEFAULTS, 1, 0, 0.5, 500], // cap 1 s; 0.5 * 1000
  ['full', DEFAULTS, 4, 0, 0.25, 2_000], // cap 2^3 s = 8000; 0.25 * 8000
  ['full', DEFAULTS, 20, 0, 0.5, 512_000], // 2^19 s capped at 1024 s; half of it
  ['full', DEFAULTS, 4, 0, 0, 0], // a draw of 0 waits the floor
  ['full', NARROW, 1, 0, 0.5, 5_000], // cap 1 s raised to min 5 s: 5000 + 0.5 * 0
  ['full', NARROW, 4, 0, 0.5, 6_500], // 5000 + 0.5 * (8000 - 5000)
  ['full', { base: 3, minMs: 0, maxMs: 1_024_000 }, 3, 0, 0.999, 8_991], // cap 3^2 s = 9000; floor(8991)
  ['equal', DEFAULTS, 4, 0, 0, 4_000], // half of 8000
  ['equal', DEFAULTS, 4, 0, 0.5, 6_000], // 4000 + 0.5 * 4000
  ['equal', DEFAULTS, 4, 0, 0.999, 7_996], // 4000 + floor(3996)
  ['equal', NARROW, 1, 0, 0, 5_000], // cap 5000, half 2500, raised to min 5000
  ['equal', NARROW, 10, 0, 0.5, 45_000], // 2^9 s capped at 60000: 30000 + 15000
  ['decorrelated', DEFAULTS, 1, 0, 0.5, 2_000], // no previous: [1000, 3000]; 1000 + 1000
  ['decorrelated', DEFAULTS, 3, 4_000, 0.5, 6_500], // [1000, 12000]: 1000 + 5500
  ['decorrelated', DEFAULTS, 3, 4_000, 0, 1_000], // the 1 s floor
  ['decorrelated', NARROW, 3, 30_000, 0.5, 47_500], // [5000, 90000]: 5000 + 42500
  ['decorrelated', NARROW, 3, 30_000, 0.9, 60_000], // 5000 + 76500 capped at 60000
  ['none', DEFAULTS, 7, 9_000, 0.7, 0],
  ['none', NARROW, 7, 9_000, 0.7, 5_000],
  ['netdata', DEFAULTS, 1, 0, 0.9, 0], // the original's attempt 0 waits 0
  ['netdata', DEFAULTS, 2, 0, 0.5, 1_500], // 2^0 s + 0.5 * max(1000, 500)
  ['netdata', DEFAULTS, 5, 0, 0.5, 10_000], // 2^3 s = 8000 + 0.5 * 4000
  ['netdata', { base: 3, minMs: 0, maxMs: 1_024_000 }, 3, 0, 0.1, 3_150], // 3^1 s + 0.1 * max(1000, 1500)
  ['netdata', { base: 2, minMs: 0, maxMs: 60_000 }, 8, 0, 0.5, 60_000], // 2^6 s + 32000 capped at the env's 60000 ms
  ['netdata', DEFAULTS, 30, 0, 0.5, 1_024_000], // once capped: the cap in ms, not about one second
  ['netdata', NARROW, 1, 0, 0.5, 5_000], // attempt 0 raised to min
];

describe('backoff policies: hand-computed table', () => {
  it.each(TABLE)('%s %o attempt %i previous %i random %d waits %i ms', (name, p, attempt, previousMs, random, expected) => {
    expect(policyDelay(name, p, { attempt, previousMs, random })).toBe(expected);
  });
});

describe('backoff policies: bounds from the written-out formulas', () => {
  test.prop([policy, params, step])('every wait is a whole number of ms within [min, max]', (name, p, s) => {
    const d = policyDelay(name, p, s);
    expect(Number.isInteger(d)).toBe(true);
    expect(d).toBeGreaterThanOrEqual(p.minMs);
    expect(d).toBeLessThanOrEqual(p.maxMs);
  });

  test.prop([params, step])('full jitter: exactly min + r * (capped exponential - min), floored', (p, s) => {
    const cap = cappedExp(p, s.attempt);
    expect(policyDelay('full', p, s)).toBe(Math.floor(p.minMs + s.random * (cap - p.minMs)));
  });

  test.prop([params, step])('equal jitter: between half of the capped exponential and the capped exponential', (p, s) => {
    const cap = cappedExp(p, s.attempt);
    const d = policyDelay('equal', p, s);
    expect(d).toBeGreaterThanOrEqual(Math.max(p.minMs, Math.floor(cap / 2)));
    expect(d).toBeLessThanOrEqual(cap);
  });

  test.prop([params, step])('decorrelated: between the 1 s floor and three times the previous wait', (p, s) => {
    const floor = Math.min(p.maxMs, Math.max(p.minMs, 1000));
    const previous = s.previousMs > 0 ? s.previousMs : floor;
    const d = policyDelay('decorrelated', p, s);
    expect(d).toBeGreaterThanOrEqual(floor);
    expect(d).toBeLessThanOrEqual(Math.min(p.maxMs, Math.max(floor, previous * 3)));
  });

  test.prop([params, step])('none waits exactly the minimum', (p, s) => {
    expect(policyDelay('none', p, s)).toBe(p.minMs);
  });

  test.prop([params, step])('netdata: base^(n-1) s + floor(r * max(1 s, half)), clamped in ms; the first wait is min', (p, s) => {
    const n = s.attempt - 1;
    const exp = 1000 * p.base ** (n - 1);
    const raw = n <= 0 ? 0 : exp + Math.floor(s.random * Math.max(1000, exp / 2));
    expect(policyDelay('netdata', p, s)).toBe(Math.floor(Math.min(p.maxMs, Math.max(p.minMs, raw))));
  });

  test.prop([policy, params, step, unit])('a larger draw never gives a shorter wait', (name, p, s, other) => {
    const [lo, hi] = s.random <= other ? [s.random, other] : [other, s.random];
    expect(policyDelay(name, p, { ...s, random: lo })).toBeLessThanOrEqual(policyDelay(name, p, { ...s, random: hi }));
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

/** mulberry32's state step, written out: the state advances by 0x6d2b79f5 (32-bit). */
const advanced = (state: number): number => (state + 0x6d2b79f5) | 0;

describe('choosing the wait: ban > block-until > policy', () => {
  test.prop([waitInput])('precedence and exactness', (w) => {
    const blockUntil = w.blockIn === null ? null : w.now + w.blockIn;
    const plan = planWait({ ...w, blockUntil });
    if (w.banned) {
      expect(plan).toEqual({ kind: 'ban', delayMs: w.banRetryMs, rng: w.rng });
    } else if (blockUntil !== null && blockUntil > w.now) {
      expect(plan).toEqual({ kind: 'block', delayMs: blockUntil - w.now, rng: w.rng });
    } else {
      expect(plan.kind).toBe('policy');
      expect(plan.rng).toBe(advanced(w.rng));
      expect(plan.delayMs).toBeGreaterThanOrEqual(w.params.minMs);
      const jittered = w.policy === 'full' || w.policy === 'equal';
      expect(plan.delayMs).toBeLessThanOrEqual(jittered ? cappedExp(w.params, w.attempt) : w.params.maxMs);
    }
  });

  // mulberry32's first draws, computed once outside this project: seed 0 -> 0.26642920868471265,
  // seed 1 -> 0.6270739405881613, seed -1 -> 0.8964226141106337; seed 42 -> 0.6011037519201636,
  // then 0.44829055899754167, then 0.8524657934904099.
  const base = { now: 1, banned: false, banRetryMs: 60_000, blockUntil: null, params: DEFAULTS, previousMs: 0 } as const;
  it.each([
    ['full', 0, 12, 0, 272_823, 1_831_565_813], // 0.2664... * 1024000 (2^11 s capped)
    ['netdata', 1, 5, 0, 10_508, 1_831_565_814], // 8000 + floor(0.6270... * 4000)
    ['equal', -1, 4, 0, 7_585, 1_831_565_812], // 4000 + floor(0.8964... * 4000)
    ['decorrelated', 42, 3, 4_000, 7_612, 1_831_565_855], // 1000 + floor(0.6011... * 11000)
  ] as const)('%s from seed %i, attempt %i: the wait for its first draw', (name, rng, attempt, previousMs, delayMs, next) => {
    expect(planWait({ ...base, policy: name, rng, attempt, previousMs })).toEqual({ kind: 'policy', delayMs, rng: next });
  });

  it('threads the generator: seed 42, full jitter, three attempts wait 601, 896, 3409 ms', () => {
    let rng = 42;
    const waits: number[] = [];
    for (const attempt of [1, 2, 3]) {
      const plan = planWait({ ...base, policy: 'full', rng, attempt });
      waits.push(plan.delayMs);
      rng = plan.rng;
    }
    expect(waits).toEqual([601, 896, 3409]); // floor(0.6011 * 1000), floor(0.4483 * 2000), floor(0.8525 * 4000)
    expect(rng).toBe(1_199_730_185);
  });

  test.prop([fc.integer(), params])('a policy wait advances the generator by one step', (rng, p) => {
    const first = planWait({ ...base, policy: 'full', params: p, attempt: 12, rng });
    expect(first.rng).toBe(advanced(rng));
  });
});
