import { describe, expect, it } from 'vitest';
import { Outbox } from '../effects/outbox.js';

const bytes = (n: number) => new Uint8Array([n & 255]);

describe('the outbox', () => {
  it('sends in order, requeues in the original order, and compacts past a long queue', () => {
    const box = new Outbox({ maxMessages: 5000, maxBytes: 1 << 20, policy: 'reject-new' });
    for (let i = 0; i < 3000; i += 1) void box.offer('chart', bytes(i), 0).catch(() => undefined);
    const taken = Array.from({ length: 2000 }, () => box.takeNext('s1', 1));
    expect(taken.map((e) => e?.id)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(box.queued).toBe(1000);
    expect(box.inflight).toBe(2000);
    box.requeue(taken[5]!);
    box.requeue(taken[3]!);
    expect(box.queued).toBe(1002);
    expect([box.takeNext('s2', 2)?.id, box.takeNext('s2', 2)?.id, box.takeNext('s2', 2)?.id]).toEqual([4, 6, 2001]);
    expect(box.size).toBe(3000);
  });

  it('acknowledges, rejects when full, and drops the oldest with a coded rejection under drop-oldest', async () => {
    const full = new Outbox({ maxMessages: 2, maxBytes: 1 << 20, policy: 'reject-new' });
    const first = full.offer('chart', bytes(1), 0);
    void full.offer('chart', bytes(2), 0);
    await expect(full.offer('chart', bytes(3), 0)).rejects.toMatchObject({ code: 'OUTBOX_FULL' });
    const entry = full.takeNext('s', 0)!;
    expect(full.ack(entry, 7)).toBe(7);
    await expect(first).resolves.toBeUndefined();

    const dropping = new Outbox({ maxMessages: 2, maxBytes: 1 << 20, policy: 'drop-oldest' });
    const oldest = dropping.offer('chart', bytes(1), 0);
    void dropping.offer('chart', bytes(2), 0);
    void dropping.offer('chart', bytes(3), 0);
    await expect(oldest).rejects.toMatchObject({ code: 'OUTBOX_DROPPED' });
    expect([dropping.takeNext('s', 0)?.payload[0], dropping.takeNext('s', 0)?.payload[0]]).toEqual([2, 3]);
  });
});
