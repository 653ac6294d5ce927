import { describe, expect, test } from 'vitest';
import { SpreadingCloud } from '../../simulations/fleet/spreading-cloud.js';

const T0 = 1_000_000;

describe('the spreading cloud (unit): a queue of refused agents, C per second', () => {
  test('admits C in the current second, then hands out whole seconds in queue order, C per second', () => {
    const cloud = new SpreadingCloud(2, T0);
    const answers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => cloud.request(T0 + 100, id));
    expect(answers).toEqual([
      { admitted: true },
      { admitted: true },
      { admitted: false, retryDelaySeconds: 1 },
      { admitted: false, retryDelaySeconds: 1 },
      { admitted: false, retryDelaySeconds: 2 },
      { admitted: false, retryDelaySeconds: 2 },
      { admitted: false, retryDelaySeconds: 3 },
    ]);
    expect(cloud.spreadingStats()).toMatchObject({ bookings: 5, maxDelaySeconds: 3, early: 0 });
  });

  test('a booked second is kept for its agents: a newcomer is refused there, the booked agents get in', () => {
    const cloud = new SpreadingCloud(2, T0);
    for (const id of ['a', 'b', 'c', 'd']) cloud.request(T0 + 100, id); // c, d booked for second 1
    expect(cloud.request(T0 + 1_120, 'new')).toEqual({ admitted: false, retryDelaySeconds: 1 });
    expect(cloud.request(T0 + 1_120, 'c')).toEqual({ admitted: true });
    expect(cloud.request(T0 + 1_120, 'd')).toEqual({ admitted: true });
    expect(cloud.spreadingStats()).toMatchObject({ returned: 2, offSlot: 0, minLateMs: 20, maxLateMs: 20 });
  });

  test('an attempt started before the end of its block is refused again and counted as early', () => {
    const cloud = new SpreadingCloud(1, T0);
    cloud.request(T0 + 100, 'a');
    expect(cloud.request(T0 + 100, 'b')).toEqual({ admitted: false, retryDelaySeconds: 1 }); // blocked until T0 + 1100
    expect(cloud.request(T0 + 1_110, 'b', T0 + 1_090)).toEqual({ admitted: false, retryDelaySeconds: 1 });
    expect(cloud.spreadingStats().early).toBe(1);
    expect(cloud.request(T0 + 1_120, 'b', T0 + 1_100)).toEqual({ admitted: true });
  });

  test('a refusal near the end of a second aims at the second the agent will land in', () => {
    const cloud = new SpreadingCloud(1, T0, { leadMs: 20 });
    cloud.request(T0 + 990, 'a');
    // Back at T0 + 1990 + ~20 ms: second 2, so the delay that lands in second 1 does not exist.
    expect(cloud.request(T0 + 990, 'b')).toEqual({ admitted: false, retryDelaySeconds: 1 });
    expect(cloud.request(T0 + 1_500, 'newcomer')).toEqual({ admitted: true }); // second 1 was not booked
    expect(cloud.request(T0 + 2_010, 'b', T0 + 1_990)).toEqual({ admitted: true });
    expect(cloud.spreadingStats()).toMatchObject({ returned: 1, offSlot: 0 });
  });

  test('without tellDelay it still books but the refusal carries no delay', () => {
    const cloud = new SpreadingCloud(1, T0, { tellDelay: false });
    cloud.request(T0, 'a');
    expect(cloud.request(T0, 'b')).toEqual({ admitted: false });
    expect(cloud.spreadingStats().bookings).toBe(1);
  });
});
