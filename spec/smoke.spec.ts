import { describe, expect, it } from 'vitest';
import { createWorld } from '../simulations/world/world.js';

describe('a simulated session', () => {
  it('connects, publishes, survives a drop, and stops cleanly', async () => {
    const w = createWorld({ seed: 42 });
    const seen: string[] = [];
    w.link.subscribe((s) => { if (seen.at(-1) !== s.state) seen.push(s.state); });
    await w.link.start();
    await w.clock.advance(1000);
    expect(w.link.getState().state).toBe('connected.online');
    const p = w.link.publish('chart', new Uint8Array([1, 2, 3]));
    await w.clock.runUntil(p);
    expect(w.broker.delivered).toHaveLength(1);
    w.broker.dropAll();
    await w.clock.advance(1);
    expect(w.link.getState().top).toBe('backoff');
    await w.clock.advance(5000);
    expect(w.link.getState().top).toBe('connected');
    await w.clock.runUntil(w.link.stop());
    expect(w.broker.open.size).toBe(0);
    expect(w.clock.pending).toBe(0);
    console.log(seen.join(' -> '));
  });
});
