/**
 * Each outbox policy's semantics (PROTOCOL.md section 4, **rule**: a bounded outbox, drop-oldest,
 * reject-new or fail-on-disconnect; what is not acknowledged is sent again after a reconnect; nothing
 * accepted is silently lost), through the Outbox and its pump with hand-driven sessions: every
 * promise's outcome is checked, and what each session was asked to send.
 */
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { Outbox, type OutboxPolicy } from '../../effects/outbox.js';
import { OutboxPump } from '../../effects/outbox-pump.js';
import type { Clock, TransportSession } from '../../effects/ports.js';
import { SessionSlot } from '../../effects/sessions.js';

/** A session whose PUBACKs (and failures) the test gives, in the order the messages were sent. */
class HandSession {
  readonly sent: { topic: string; byte: number; ack: () => void; fail: (e: unknown) => void }[] = [];
  readonly session = {
    events: { subscribe: () => ({ unsubscribe: () => undefined }) },
    publish: (topic: string, payload: Uint8Array) => new Promise<void>((ack, fail) => this.sent.push({ topic, byte: payload[0] ?? -1, ack, fail })),
    close: () => Promise.resolve(),
  } as unknown as TransportSession;
  bytes(): number[] { return this.sent.map((s) => s.byte); }
}

const clock: Clock = { now: () => 1_000, setTimeout: () => null, clearTimeout: () => undefined };
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every offered message's outcome, by its first byte: 'pending', 'acked' or the rejection code. */
function setup(policy: OutboxPolicy, maxMessages = 3, maxBytes = 1 << 20) {
  const outbox = new Outbox({ policy, maxMessages, maxBytes });
  const slot = new SessionSlot();
  const pump = new OutboxPump(outbox, slot, clock, 2);
  const outcome = new Map<number, string>();
  const publish = (byte: number, size = 1) => {
    outcome.set(byte, 'pending');
    const payload = new Uint8Array(size).fill(byte);
    outbox.offer('chart', payload, clock.now()).then(() => outcome.set(byte, 'acked'), (e: LinkError) => outcome.set(byte, e.code));
    pump.pump();
  };
  return { outbox, slot, pump, outcome, publish, outcomes: () => Object.fromEntries(outcome) };
}

describe('outbox policy reject-new', () => {
  it('refuses the new message when full (count or bytes), keeps and delivers the older ones', async () => {
    const t = setup('reject-new', 3, 10);
    [1, 2, 3, 4].forEach((b) => t.publish(b));
    t.publish(5, 8); // 3 bytes held + 8 > 10: refused on bytes before the count
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'pending', 2: 'pending', 3: 'pending', 4: 'OUTBOX_FULL', 5: 'OUTBOX_FULL' });
    const s = new HandSession();
    t.slot.attach(s.session);
    for (let i = 0; i < 3; i += 1) {
      s.sent[i]?.ack();
      await settle();
    }
    expect(s.bytes()).toEqual([1, 2, 3]);
    expect(t.outcomes()).toEqual({ 1: 'acked', 2: 'acked', 3: 'acked', 4: 'OUTBOX_FULL', 5: 'OUTBOX_FULL' });
    expect(t.outbox.size).toBe(0);
  });

  it('a lost session: what was in flight is sent again, in order, on the next one', async () => {
    const t = setup('reject-new', 5);
    const first = new HandSession();
    t.slot.attach(first.session);
    [1, 2, 3, 4].forEach((b) => t.publish(b));
    expect(first.bytes()).toEqual([1, 2]); // window 2
    first.sent[1]?.ack();
    await settle();
    expect(first.bytes()).toEqual([1, 2, 3]); // 4 still queued
    t.slot.detach(first.session);
    first.sent[0]?.fail(new LinkError('TRANSPORT_CLOSED', 'gone'));
    await settle();
    const second = new HandSession();
    t.slot.attach(second.session);
    expect(second.bytes()).toEqual([1, 3]); // the unacknowledged ones go back before 4
    for (let i = 0; i < 3; i += 1) {
      second.sent[i]?.ack();
      await settle();
    }
    expect(second.bytes()).toEqual([1, 3, 4]);
    expect(t.outcomes()).toEqual({ 1: 'acked', 2: 'acked', 3: 'acked', 4: 'acked' });
  });
});

describe('a late failure of a publish on a session already replaced (found by mutation testing)', () => {
  it('does not requeue a message already sent again on the new session: it is published once there', async () => {
    const t = setup('reject-new');
    const first = new HandSession();
    t.slot.attach(first.session);
    t.publish(1);
    await settle();
    expect(first.bytes()).toEqual([1]);
    const second = new HandSession();
    t.slot.attach(second.session); // the first session is gone: 1 is sent again on the second
    await settle();
    expect(second.bytes()).toEqual([1]);
    first.sent[0]?.fail(new LinkError('SOCKET_CLOSED', 'late'));
    await settle();
    t.pump.pump();
    await settle();
    expect(second.bytes()).toEqual([1]);
    second.sent[0]?.ack();
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'acked' });
    expect(t.outbox.size).toBe(0);
  });
});

describe('outbox policy drop-oldest', () => {
  it('full: the oldest is rejected OUTBOX_DROPPED, as many as the bytes need; the newest are kept in order', async () => {
    const t = setup('drop-oldest', 3, 10);
    [1, 2, 3, 4].forEach((b) => t.publish(b));
    t.publish(5, 8); // 3 bytes held (2, 3, 4) + 8 > 10: drops 2; 2 + 8 = 10 fits
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'OUTBOX_DROPPED', 2: 'OUTBOX_DROPPED', 3: 'pending', 4: 'pending', 5: 'pending' });
    const s = new HandSession();
    t.slot.attach(s.session);
    for (let i = 0; i < 3; i += 1) {
      s.sent[i]?.ack();
      await settle();
    }
    expect(s.bytes()).toEqual([3, 4, 5]);
    expect(t.outcomes()).toMatchObject({ 3: 'acked', 4: 'acked', 5: 'acked' });
  });

  it('a message bigger than the whole outbox is OUTBOX_MESSAGE_TOO_BIG and drops nothing', async () => {
    const t = setup('drop-oldest', 3, 10);
    [1, 2].forEach((b) => t.publish(b));
    t.publish(3, 11);
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'pending', 2: 'pending', 3: 'OUTBOX_MESSAGE_TOO_BIG' });
  });

  it('an in-flight message dropped for room: its late PUBACK changes nothing; a lost session requeues the rest', async () => {
    const t = setup('drop-oldest', 2);
    const first = new HandSession();
    t.slot.attach(first.session);
    [1, 2, 3].forEach((b) => t.publish(b));
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'OUTBOX_DROPPED', 2: 'pending', 3: 'pending' });
    expect(first.bytes()).toEqual([1, 2, 3]);
    first.sent[0]?.ack();
    await settle();
    expect(t.outcome.get(1)).toBe('OUTBOX_DROPPED');
    expect([t.outbox.size, t.outbox.bytes, t.outbox.inflight, t.pump.stats.acked]).toEqual([2, 2, 2, 0]);
    t.slot.detach(first.session);
    const second = new HandSession();
    t.slot.attach(second.session);
    expect(second.bytes()).toEqual([2, 3]);
  });
});

describe('outbox policy fail-on-disconnect', () => {
  it('a lost session rejects everything pending (in flight and queued) with DISCONNECTED; nothing is sent again', async () => {
    const t = setup('fail-on-disconnect', 5);
    const first = new HandSession();
    t.slot.attach(first.session);
    [1, 2, 3].forEach((b) => t.publish(b));
    expect(first.bytes()).toEqual([1, 2]);
    t.slot.detach(first.session);
    first.sent.forEach((m) => m.fail(new LinkError('TRANSPORT_CLOSED', 'gone')));
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'DISCONNECTED', 2: 'DISCONNECTED', 3: 'DISCONNECTED' });
    expect(t.outbox.size).toBe(0);
    const second = new HandSession();
    t.slot.attach(second.session);
    t.publish(4);
    second.sent.forEach((m) => m.ack());
    await settle();
    expect(second.bytes()).toEqual([4]);
    expect(t.outcome.get(4)).toBe('acked');
  });

  it('messages offered while no session was up are kept until the first session, then delivered', async () => {
    const t = setup('fail-on-disconnect', 5);
    [1, 2].forEach((b) => t.publish(b));
    const s = new HandSession();
    t.slot.attach(s.session);
    s.sent.forEach((m) => m.ack());
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'acked', 2: 'acked' });
  });

  it('full: the new message is refused OUTBOX_FULL (nothing is dropped)', async () => {
    const t = setup('fail-on-disconnect', 2);
    [1, 2, 3].forEach((b) => t.publish(b));
    await settle();
    expect(t.outcomes()).toEqual({ 1: 'pending', 2: 'pending', 3: 'OUTBOX_FULL' });
  });
});
