/**
 * The outbox pump over fake sessions: the window, PUBACK latency, what happens to unacknowledged
 * messages when the session dies under each outbox policy, and permanent versus transient errors.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { Outbox, type OutboxPolicy } from '../../effects/outbox.js';
import { OutboxPump } from '../../effects/outbox-pump.js';
import type { SessionEvent, TransportSession } from '../../effects/ports.js';
import { SessionSlot } from '../../effects/sessions.js';

interface Sent { topic: string; payload: Uint8Array; resolve(): void; reject(e: unknown): void }
function fakeSession() {
  const sent: Sent[] = [];
  const session: TransportSession = {
    events: new Subject<SessionEvent>(),
    publish: (topic, payload) => new Promise<void>((resolve, reject) => { sent.push({ topic, payload, resolve, reject }); }),
    close: async () => undefined,
  };
  return { session, sent };
}
const tick = () => new Promise((r) => setTimeout(r, 0));
const settle = <T>(p: Promise<T>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'rejected');

function setup(policy: OutboxPolicy, window = 2) {
  let t = 100;
  const clock = { now: () => t, setTimeout: () => 0, clearTimeout: () => undefined };
  const outbox = new Outbox({ maxMessages: 100, maxBytes: 10_000, policy });
  const slot = new SessionSlot();
  const pump = new OutboxPump(outbox, slot, clock, window);
  const publish = (n: number) => { const p = outbox.offer(`topic-${n}`, new Uint8Array([n]), t); pump.pump(); return p; };
  return { outbox, slot, pump, publish, setTime: (v: number) => { t = v; } };
}

describe('the pump', () => {
  it('keeps at most `window` messages in flight and sends the next on each PUBACK, recording latency', async () => {
    const s = setup('reject-new', 2);
    const a = fakeSession();
    s.slot.attach(a.session);
    const p = [1, 2, 3].map((n) => s.publish(n));
    expect(a.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2']);
    expect(s.pump.stats.sent).toBe(2);
    s.setTime(130);
    a.sent[0]!.resolve();
    await tick();
    expect(await settle(p[0]!)).toBe('ok');
    expect(a.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2', 'topic-3']);
    expect(s.pump.stats).toMatchObject({ acked: 1, sent: 3, lastLatencyMs: 30, maxLatencyMs: 30, totalLatencyMs: 30 });
    s.setTime(140);
    a.sent[1]!.resolve();
    await tick();
    expect(s.pump.stats).toMatchObject({ acked: 2, lastLatencyMs: 40, maxLatencyMs: 40, totalLatencyMs: 70 });
    s.setTime(400);
    a.sent[2]!.resolve();
    await tick();
    expect(s.pump.stats).toMatchObject({ acked: 3, lastLatencyMs: 270, maxLatencyMs: 270, totalLatencyMs: 340 });
  });

  it('sends nothing without a session, then everything queued when one attaches (session already there at construction too)', () => {
    const s = setup('reject-new', 5);
    void s.publish(1);
    void s.publish(2);
    const a = fakeSession();
    s.slot.attach(a.session);
    expect(a.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2']);

    const slot = new SessionSlot();
    const b = fakeSession();
    slot.attach(b.session);
    const outbox = new Outbox({ maxMessages: 10, maxBytes: 100, policy: 'reject-new' });
    const pump = new OutboxPump(outbox, slot, { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }, 1);
    void outbox.offer('x', new Uint8Array(1), 0);
    pump.pump();
    expect(b.sent).toHaveLength(1);
  });

  it('reject-new and drop-oldest: unacknowledged messages go again, in order, on the next session', async () => {
    for (const policy of ['reject-new', 'drop-oldest'] as const) {
      const s = setup(policy, 2);
      const a = fakeSession();
      s.slot.attach(a.session);
      const p = [1, 2, 3].map((n) => s.publish(n));
      s.slot.detach(a.session);
      const b = fakeSession();
      s.slot.attach(b.session);
      expect(b.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2']);
      b.sent[0]!.resolve();
      await tick();
      expect(await settle(p[0]!)).toBe('ok');
      expect(b.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2', 'topic-3']);
    }
  });

  it('fail-on-disconnect: every pending message is rejected with DISCONNECTED when the session goes', async () => {
    const s = setup('fail-on-disconnect', 1);
    const a = fakeSession();
    s.slot.attach(a.session);
    const p = [1, 2].map((n) => s.publish(n).catch((e: LinkError) => { throw e; }));
    const caught = p.map((x) => x.catch((e: LinkError) => e));
    s.setTime(777);
    s.slot.detach(a.session);
    const errors = await Promise.all(caught);
    expect(errors.map((e) => (e as LinkError).code)).toEqual(['DISCONNECTED', 'DISCONNECTED']);
    expect((errors[0] as LinkError).at).toBe(777);
    expect(s.outbox.size).toBe(0);
    // A message published afterwards waits for the next session.
    const later = s.publish(3);
    const b = fakeSession();
    s.slot.attach(b.session);
    expect(b.sent.map((x) => x.topic)).toEqual(['topic-3']);
    b.sent[0]!.resolve();
    expect(await settle(later)).toBe('ok');
  });

  it('a permanent error fails that message only and the pump moves on', async () => {
    const s = setup('reject-new', 1);
    const a = fakeSession();
    s.slot.attach(a.session);
    const p = [1, 2].map((n) => settle(s.publish(n)));
    a.sent[0]!.reject(new LinkError('TOPIC_UNKNOWN', 'no such topic'));
    await tick();
    expect(await p[0]).toBe('TOPIC_UNKNOWN');
    expect(a.sent.map((x) => x.topic)).toEqual(['topic-1', 'topic-2']);
    a.sent[1]!.reject(new LinkError('MESSAGE_TOO_BIG', 'too big'));
    await tick();
    expect(await p[1]).toBe('MESSAGE_TOO_BIG');
  });

  it('a transient error keeps the message for the next session, without a retry loop on the failing one', async () => {
    const s = setup('reject-new', 1);
    const a = fakeSession();
    s.slot.attach(a.session);
    const p = s.publish(1);
    a.sent[0]!.reject(new Error('socket hang up'));
    await tick();
    expect(a.sent).toHaveLength(1);
    expect(s.outbox.size).toBe(1);
    expect(s.outbox.queued).toBe(1);
    s.slot.detach(a.session);
    const b = fakeSession();
    s.slot.attach(b.session);
    expect(b.sent.map((x) => x.topic)).toEqual(['topic-1']);
    b.sent[0]!.resolve();
    expect(await settle(p)).toBe('ok');
  });

  it('fail-on-disconnect: a transient error on a session already replaced does not requeue onto the new one', async () => {
    const s = setup('fail-on-disconnect', 1);
    const a = fakeSession();
    s.slot.attach(a.session);
    const p = settle(s.publish(1));
    a.sent[0]!.reject(new Error('reset'));
    await tick();
    // Same session still attached: kept (queued) for later.
    expect(s.outbox.queued).toBe(1);
    s.slot.detach(a.session);
    expect(await p).toBe('DISCONNECTED');
  });

  it('close() stops following the session slot', () => {
    const s = setup('reject-new', 1);
    s.pump.close();
    void s.publish(1);
    const a = fakeSession();
    s.slot.attach(a.session);
    expect(a.sent).toHaveLength(0);
  });
});
