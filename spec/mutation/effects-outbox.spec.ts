/**
 * The outbox's bookkeeping, each rule on its own (issue 14: mutation survivors of effects/outbox.ts).
 * Expected values are written out, never computed with the module's own helpers.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxPolicy } from '../../effects/outbox.js';

const payload = (n: number) => new Uint8Array(n);
const box = (maxMessages: number, maxBytes: number, policy: OutboxPolicy = 'reject-new') => new Outbox({ maxMessages, maxBytes, policy });
const settled = <T>(p: Promise<T>) => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'rejected');

describe('outbox limits', () => {
  it('accepts a message of exactly maxBytes and rejects one byte more, counting the rejection', async () => {
    const b = box(10, 8);
    const exact = b.offer('t', payload(8), 5);
    const error = await b.offer('t', payload(9), 6).catch((e: { code: string; at: number; message: string }) => e);
    expect(error).toMatchObject({ code: 'OUTBOX_MESSAGE_TOO_BIG', at: 6 });
    expect((error as { message: string }).message).toContain('9 bytes');
    expect(b.rejected).toBe(1);
    expect(b.accepted).toBe(1);
    expect(b.size).toBe(1);
    expect(b.bytes).toBe(8);
    b.ack(b.takeNext('s', 7)!, 9);
    await expect(exact).resolves.toBeUndefined();
  });

  it('is full by bytes when the held bytes plus the new ones exceed maxBytes (equal still fits)', async () => {
    const b = box(10, 10);
    void b.offer('t', payload(6), 0);
    void b.offer('t', payload(4), 0); // 6 + 4 = 10: fits
    expect(b.size).toBe(2);
    expect(b.bytes).toBe(10);
    await expect(b.offer('t', payload(1), 3)).rejects.toMatchObject({ code: 'OUTBOX_FULL', at: 3 });
    expect(b.rejected).toBe(1);
    expect(b.accepted).toBe(2);
  });

  it('is full by count at maxMessages (reject-new keeps the old ones)', async () => {
    const b = box(2, 1000);
    const first = b.offer('t', payload(1), 0);
    void b.offer('t', payload(1), 0);
    await expect(b.offer('t', payload(1), 0)).rejects.toMatchObject({ code: 'OUTBOX_FULL' });
    expect(b.size).toBe(2);
    expect(b.takeNext('s', 0)?.id).toBe(1);
    expect(await Promise.race([settled(first), Promise.resolve('pending')])).toBe('pending');
  });

  it('drop-oldest drops as many old messages as the new one needs, by bytes, oldest first', async () => {
    const b = box(10, 10, 'drop-oldest');
    const a = b.offer('t', payload(4), 0);
    const c = b.offer('t', payload(4), 0);
    const d = b.offer('t', payload(2), 0);
    void b.offer('t', payload(8), 1); // needs 8: drop 4 (8 held... 6+8>10), then 4 (2+8=10 fits)
    expect(await settled(a)).toBe('OUTBOX_DROPPED');
    expect(await settled(c)).toBe('OUTBOX_DROPPED');
    expect(b.size).toBe(2);
    expect(b.bytes).toBe(10);
    expect(b.rejected).toBe(0);
    expect(b.accepted).toBe(4);
    expect(b.queued).toBe(2);
    expect([b.takeNext('s', 0)?.payload.byteLength, b.takeNext('s', 0)?.payload.byteLength]).toEqual([2, 8]);
    expect(await Promise.race([settled(d), Promise.resolve('pending')])).toBe('pending');
  });

  it('drop-oldest drops an in-flight message too, and the in-flight count follows', async () => {
    const b = box(1, 100, 'drop-oldest');
    const first = b.offer('t', payload(1), 0);
    const sent = b.takeNext('s', 0)!;
    expect(b.inflight).toBe(1);
    void b.offer('t', payload(1), 0);
    expect(await settled(first)).toBe('OUTBOX_DROPPED');
    expect(b.inflight).toBe(0);
    expect(b.isPending(sent)).toBe(false);
    expect(b.ack(sent, 5)).toBeNull();
    expect(b.takeNext('s', 0)?.id).toBe(2);
  });
});

describe('outbox entries', () => {
  it('takeNext marks the entry in flight on its session at the given time, and returns undefined when empty', () => {
    const b = box(10, 100);
    void b.offer('topic/a', payload(3), 11);
    const e = b.takeNext('session-1', 42)!;
    expect(e).toMatchObject({ id: 1, topicName: 'topic/a', acceptedAt: 11, state: 'inflight', sentOn: 'session-1', sentAt: 42 });
    expect(b.inflight).toBe(1);
    expect(b.queued).toBe(0);
    expect(b.takeNext('session-1', 43)).toBeUndefined();
    expect(b.inflight).toBe(1);
  });

  it('ack returns the latency from the send time, settles once, and frees the bytes', async () => {
    const b = box(10, 100);
    const p = b.offer('t', payload(7), 0);
    const e = b.takeNext('s', 100)!;
    expect(b.ack(e, 130)).toBe(30);
    expect(b.ack(e, 140)).toBeNull();
    expect(b.bytes).toBe(0);
    expect(b.size).toBe(0);
    expect(b.inflight).toBe(0);
    await expect(p).resolves.toBeUndefined();
  });

  it('fail rejects a pending entry with the given error, and ignores a settled one', async () => {
    const b = box(10, 100);
    const p = b.offer('t', payload(2), 0);
    const e = b.takeNext('s', 0)!;
    b.fail(e, Object.assign(new Error('x'), { code: 'TOPIC_UNKNOWN' }) as never);
    expect(await settled(p)).toBe('TOPIC_UNKNOWN');
    expect(b.size).toBe(0);
    expect(b.bytes).toBe(0);
    b.fail(e, Object.assign(new Error('y'), { code: 'OTHER' }) as never);
    expect(b.size).toBe(0);
    expect(b.bytes).toBe(0);
  });

  it('requeue puts back only in-flight pending entries; a queued one is not duplicated', () => {
    const b = box(10, 100);
    void b.offer('t', payload(1), 0);
    void b.offer('t', payload(1), 0);
    const first = b.takeNext('s', 0)!;
    b.requeue(first);
    expect(b.inflight).toBe(0);
    expect(first).toMatchObject({ state: 'queued', sentOn: null });
    b.requeue(first); // already queued: nothing
    expect(b.queued).toBe(2);
    expect([b.takeNext('s', 0)?.id, b.takeNext('s', 0)?.id, b.takeNext('s', 0)]).toEqual([1, 2, undefined]);
  });

  it('requeueSentOn requeues only what was sent on that session', () => {
    const b = box(10, 100);
    for (let i = 0; i < 3; i += 1) void b.offer('t', payload(1), 0).catch(() => undefined);
    b.takeNext('old', 0);
    b.takeNext('new', 0);
    b.requeueSentOn('old');
    expect(b.inflight).toBe(1);
    expect(b.queued).toBe(2);
    expect([b.takeNext('x', 0)?.id, b.takeNext('x', 0)?.id]).toEqual([1, 3]);
  });

  it('failAll rejects queued and in-flight entries alike and empties the outbox', async () => {
    const b = box(10, 100);
    const p1 = b.offer('t', payload(3), 0);
    const p2 = b.offer('t', payload(4), 0);
    b.takeNext('s', 0);
    b.failAll(Object.assign(new Error('gone'), { code: 'LINK_STOPPED' }) as never);
    expect([await settled(p1), await settled(p2)]).toEqual(['LINK_STOPPED', 'LINK_STOPPED']);
    expect([b.size, b.bytes, b.inflight, b.queued]).toEqual([0, 0, 0, 0]);
  });

  it('settling a queued entry removes it from the queue (it is never sent afterwards)', async () => {
    const b = box(2, 100, 'drop-oldest');
    void b.offer('t', payload(1), 0).catch(() => undefined);
    void b.offer('t', payload(1), 0);
    void b.offer('t', payload(1), 0); // drops id 1 while queued
    expect(b.queued).toBe(2);
    expect([b.takeNext('s', 0)?.id, b.takeNext('s', 0)?.id, b.takeNext('s', 0)]).toEqual([2, 3, undefined]);
  });
});
