/**
 * An acknowledged message is let go at once: the outbox keeps no reference to it (its payload, its
 * promise, the session it went out on) until a later compaction of its queue. Checked with a WeakRef
 * and a forced garbage collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX, Outbox } from '../../effects/outbox.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Offer, send and acknowledge `count` messages; references to the first payload and session, weakly. */
async function sendAndAck(outbox: Outbox, count: number): Promise<{ payload: WeakRef<Uint8Array>; session: WeakRef<object> }> {
  const session = {};
  const first = new Uint8Array(1024);
  const refs = { payload: new WeakRef(first), session: new WeakRef(session) };
  for (let i = 0; i < count; i += 1) {
    const accepted = outbox.offer('chart', i === 0 ? first : new Uint8Array(8), i);
    const entry = outbox.takeNext(session, i);
    if (!entry) throw new Error('nothing to send');
    outbox.ack(entry, i + 1);
    await accepted;
  }
  return refs;
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the outbox lets go of what was acknowledged', () => {
  it.each([1, 3])('after %i sent and acknowledged message(s), the first payload and its session can be collected', async (count) => {
    const outbox = new Outbox(DEFAULT_OUTBOX);
    const refs = await sendAndAck(outbox, count);
    await nextTurn(); // WeakRefs hold their targets until the job that made them ends
    gc();
    expect(outbox.size).toBe(0);
    expect(refs.payload.deref()).toBeUndefined();
    expect(refs.session.deref()).toBeUndefined();
  });

  it('a queued message is still held (the check can tell)', async () => {
    const outbox = new Outbox(DEFAULT_OUTBOX);
    let payload: Uint8Array | null = new Uint8Array(1024);
    const ref = new WeakRef(payload);
    void outbox.offer('chart', payload, 0);
    payload = null;
    await nextTurn();
    gc();
    expect(ref.deref()).toBeInstanceOf(Uint8Array);
    expect(outbox.queued).toBe(1);
  });
});
