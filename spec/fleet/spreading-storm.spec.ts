import { assign, createActor } from 'xstate';
import { describe, expect, test } from 'vitest';
import { defaultSettings } from '../../machines/defaults.js';
import { recordFailure, type SomeEvent } from '../../machines/updates.js';
import { fleetMachine } from '../../simulations/fleet/fleet-effects.js';
import { HeapClock } from '../../simulations/fleet/heap-clock.js';
import { SpreadingCloud } from '../../simulations/fleet/spreading-cloud.js';
import { runStorm } from '../../simulations/fleet/storm.js';
import type { FleetMachine } from '../../simulations/fleet/storm-result.js';

const N = 400;
const C = 20;
const FLOOR_MS = (N / C) * 1000;

/** A link that drops the cloud's error body before the statechart sees it: it never learns the block. */
const ignoringTheBlock = (m: FleetMachine): FleetMachine => m.provide({
  actions: {
    recordFailure: assign(({ context, event }) => {
      const e = event as SomeEvent;
      const error = e.error as { code?: string; message?: string; at?: number } | undefined;
      return recordFailure(context, error === undefined ? e : { ...e, error: { code: error.code, message: error.message, at: error.at } });
    }),
  },
});

describe('the refusal reaches the statechart as the real link gets it', () => {
  test('an HTTP 429 with errorRetryDelaySeconds becomes ENV_NOT_200 with the body, a block-until and a block wait', () => {
    const clock = new HeapClock();
    const cloud = new SpreadingCloud(1, clock.now());
    const machine = fleetMachine(clock, cloud, () => 0.5);
    const settings = defaultSettings({ enabled: true, claimId: 'claim', connectionKey: 'k' });
    const [first, second] = ['a', 'b'].map((id, i) => createActor(machine, { clock, input: { settings: { ...settings, claimId: id }, seed: i + 1, now: clock.now() } }).start());
    clock.advance(25); // both env answers (20 ms): the first admitted, the second refused
    expect(first?.getSnapshot().matches('connecting')).toBe(true);
    const snap = second?.getSnapshot();
    const failure = snap?.context.lastFailure;
    expect(snap?.matches('backoff')).toBe(true);
    expect(failure).toMatchObject({ code: 'ENV_NOT_200', httpStatus: 429, cloud: { errorRetryDelaySeconds: 1 } });
    expect(snap?.context.blockUntil).toBe((failure?.at ?? 0) + 1000);
    expect(snap?.context.stats.lastWaitKind).toBe('block');
    expect(snap?.context.stats.nextAttemptAt).toBe(snap?.context.blockUntil);
    first?.stop();
    second?.stop();
  });
});

describe('reconnect storm against the spreading cloud (N = 400, C = 20/s, default policy)', () => {
  const r = runStorm({ agents: N, capacityPerSecond: C, policy: 'full', cloud: 'spreading', seed: 3 });

  test('recovers within 1.2 x N / C, retries at most 1.5 x C per second, never more than C admitted', () => {
    expect(r.recovered).toBe(true);
    expect(r.recoveryMs).toBeGreaterThanOrEqual(FLOOR_MS - 1000);
    expect(r.recoveryMs).toBeLessThanOrEqual(1.2 * FLOOR_MS);
    expect(r.peakRetriesPerSecond).toBeLessThanOrEqual(1.5 * C);
    expect(Math.max(...r.admittedPerSecond)).toBeLessThanOrEqual(C);
    expect(r.attemptsPerAgent).toBeLessThan(2.2);
  });

  test('every refused agent waits out its block exactly: no attempt before it ends, none later', () => {
    const s = r.spreading;
    expect(s?.bookings).toBeGreaterThan(N - 2 * C);
    expect(s?.returned).toBe(s?.bookings);
    expect(s?.early).toBe(0);
    expect(s?.minLateMs).toBe(0);
    expect(s?.maxLateMs).toBe(0);
    // The statechart chose the cloud's block for every agent refused in the first wave.
    expect(r.lastWaits.block).toBeGreaterThan(N - 2 * C);
    expect(r.lastWaits.block + r.lastWaits.policy).toBe(N);
  });

  test('a link that ignored the block would be caught: early attempts, and the targets missed', () => {
    const ignored = runStorm({ agents: N, capacityPerSecond: C, policy: 'full', cloud: 'spreading', seed: 3, adapt: ignoringTheBlock });
    expect(ignored.spreading?.early).toBeGreaterThan(N);
    expect(ignored.lastWaits.block).toBe(0);
    expect(ignored.recoveryMs).toBeGreaterThan(1.2 * FLOOR_MS);
  });

  test('the same storm against the plain cloud misses both targets (the baseline of the same run)', () => {
    const plain = runStorm({ agents: N, capacityPerSecond: C, policy: 'full', seed: 3 });
    expect(plain.recoveryMs).toBeGreaterThan(1.2 * FLOOR_MS);
    expect(plain.peakRetriesPerSecond).toBeGreaterThan(1.5 * C);
    expect(plain.recoveryMs / r.recoveryMs).toBeGreaterThan(2);
  });
});
