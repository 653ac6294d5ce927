import { describe, expect, test } from 'vitest';
import { BLOG_POLICIES, OUR_POLICIES, contention } from '../../simulations/fleet/contention.js';

describe('contention model (AWS blog, 2015)', () => {
  test('deterministic for a seed', () => {
    expect(contention(10, 'full', 20, 7)).toEqual(contention(10, 'full', 20, 7));
    expect(contention(10, 'decorrelated', 20, 7)).toEqual(contention(10, 'decorrelated', 20, 7));
  });

  test('full jitter uses fewer calls than no backoff; every client writes at least once', () => {
    const full = contention(10, 'full', 50, 1);
    const none = contention(10, 'none', 50, 1);
    expect(full.meanCalls).toBeLessThan(none.meanCalls);
    for (const p of [...BLOG_POLICIES, ...OUR_POLICIES]) expect(contention(10, p, 5, 1).callsPerClient).toBeGreaterThanOrEqual(1);
  });

  test('our policies scaled to the blog time unit match the blog formulas', () => {
    const blog = contention(30, 'full', 50, 3);
    const ours = contention(30, 'ours:full', 50, 3);
    expect(Math.abs(ours.meanCalls - blog.meanCalls) / blog.meanCalls).toBeLessThan(0.1);
  });
});
