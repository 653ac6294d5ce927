import { describe, expect, it } from 'vitest';
import { createWorld } from '../../simulations/world/world.js';

/** Fail `n` attempts in a row, then let the link connect, and return its attempt counter. */
async function failThenConnect(n: number) {
  const w = createWorld({ seed: 7, config: { backoff: { policy: 'none', minSeconds: 1 } } });
  for (let i = 0; i < n; i += 1) w.broker.script({ kind: 'refuse', code: 'CONNACK_REFUSED' });
  await w.link.start();
  await w.clock.advance(n * 2000 + 500);
  expect(w.link.getState().state).toBe('connected.online');
  expect(w.link.getState().attempt).toBe(n);
  return w;
}

describe('backoff reset (PROTOCOL.md section 6, rule 4)', () => {
  it('is not reset by CONNACK alone', async () => {
    const w = await failThenConnect(3);
    await w.clock.advance(20_000);
    expect(w.link.getState().attempt).toBe(3);
    await w.clock.runUntil(w.link.stop());
  });

  it('resets after the third PUBACK of a connection', async () => {
    const w = await failThenConnect(3);
    for (let i = 0; i < 2; i += 1) await w.clock.runUntil(w.link.publish('chart', new Uint8Array([i])));
    expect(w.link.getState().state).toBe('connected.online');
    expect(w.link.getState().attempt).toBe(3);
    await w.clock.runUntil(w.link.publish('chart', new Uint8Array([3])));
    await w.clock.advance(1);
    expect(w.link.getState().state).toBe('connected.stable');
    expect(w.link.getState().attempt).toBe(0);
    await w.clock.runUntil(w.link.stop());
  });

  it('resets after 30 s connected when fewer than 3 PUBACKs came', async () => {
    const w = await failThenConnect(2);
    await w.clock.runUntil(w.link.publish('chart', new Uint8Array([1])));
    await w.clock.advance(30_000);
    expect(w.link.getState().state).toBe('connected.stable');
    expect(w.link.getState().attempt).toBe(0);
    await w.clock.runUntil(w.link.stop());
  });
});
