/**
 * The node oracle's (n4), "a node id that reached the link is not asked for again", on the two cases
 * that tell a right link from a wrong one (CI found the second with seed 268604989):
 * - the id reached a registered node: removing and registering the node again must not ask again
 *   (a link that forgets the id is flagged);
 * - the id reached the link after the host removed the node: the link drops it, as the agent drops a
 *   CreateNodeInstanceResult for a host it cannot find, so registering again asks again (not flagged).
 */
import { describe, expect, it } from 'vitest';
import type { NodeIdStore } from '../../effects/ports.js';
import { NodeInvariants } from '../../simulations/property/node-invariants.js';
import { parseSimNodePayload } from '../../simulations/world/sim-nodes.js';
import { createWorld, type SimWorld } from '../../simulations/world/world.js';

const GUID = '44444444-4444-4444-8444-444444444444';
const node = { machineGuid: GUID, hostname: 'child', hops: 1 };

const creates = (w: SimWorld) => w.broker.delivered.map(parseSimNodePayload).filter((p) => p?.kind === 'create').length;

/** A store that loses what it is given: the planted bug. */
const forgetful = (): NodeIdStore => ({ get: () => undefined, set: async () => undefined });

async function removeAndRegisterAgain(w: SimWorld, waitBeforeRemove: number): Promise<NodeInvariants> {
  const oracle = new NodeInvariants(w);
  await w.link.start();
  await w.clock.advance(1_000);
  expect(w.link.getState().state).toMatch(/^connected\./);
  const handle = w.link.nodes.register(node);
  oracle.registered.add(GUID);
  await w.clock.advance(waitBeforeRemove);
  handle.remove();
  oracle.registered.delete(GUID);
  await w.clock.advance(10_000);
  w.link.nodes.register(node);
  oracle.registered.add(GUID);
  await w.clock.advance(1_000);
  await w.clock.runUntil(w.link.stop(), 60_000);
  return oracle;
}

describe('node oracle (n4)', () => {
  it('an id the registered node got is kept: registering it again after a removal does not ask again', async () => {
    const w = createWorld();
    const oracle = await removeAndRegisterAgain(w, 500);
    expect(creates(w)).toBe(1);
    expect(oracle.violations).toEqual([]);
  });

  it('flags a link that forgets the id it got (planted: a store that keeps nothing)', async () => {
    const w = createWorld({ nodeIds: forgetful() });
    const oracle = await removeAndRegisterAgain(w, 500);
    expect(creates(w)).toBe(2);
    expect(oracle.violations.join('\n')).toMatch(/\(n4\) CreateNodeInstance again for 44444444/);
  });

  it('an answer that arrives after the node was removed is dropped; registering again asks again, and that is no violation', async () => {
    const warned: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => { warned.push(m); }, error: () => undefined };
    const w = createWorld({ logger });
    w.nodes.latencyMs = 5_000;
    const oracle = await removeAndRegisterAgain(w, 100);
    expect(warned).toContain('CreateNodeInstanceResult for a node that is not waiting for one');
    expect(creates(w)).toBe(2);
    expect(oracle.violations).toEqual([]);
  });
});
