/**
 * Node instances through the real statechart and effects, in the simulated world (PROTOCOL.md
 * section 8): what the link sends about the host's nodes, when, and what it keeps.
 */
import { describe, expect, it } from 'vitest';
import { parseSimNodePayload, type SimNodePayload } from '../../simulations/world/sim-nodes.js';
import { createWorld, type SimWorld } from '../../simulations/world/world.js';

const OWN = '11111111-1111-4111-8111-111111111111';
const CHILD_A = '22222222-2222-4222-8222-222222222222';
const CHILD_B = '33333333-3333-4333-8333-333333333333';
const CLAIM = '11111111-2222-4333-8444-555555555555';

/** Node messages the broker received, as [kind, guid, live?] triples, per session. */
function sent(w: SimWorld, session?: number): Array<[string, string, boolean?]> {
  return w.broker.delivered
    .filter((d) => session === undefined || d.session === session)
    .map(parseSimNodePayload)
    .filter((p): p is SimNodePayload => p !== null)
    .map((p) => (p.kind === 'connection' ? [p.kind, p.machineGuid, p.live] : [p.kind, p.machineGuid]));
}

async function online(w: SimWorld): Promise<void> {
  await w.link.start();
  await w.clock.advance(1_000);
  expect(w.link.getState().top).toBe('connected');
}

describe('node instances (simulated world)', () => {
  it('a node without id: CreateNodeInstance, then on the result: connection (live) and info; the id is in the state', async () => {
    const w = createWorld();
    w.link.nodes.register({ machineGuid: OWN, hostname: 'own', info: { os: 'linux' } });
    await online(w);
    await w.clock.advance(500);
    const nodeId = w.nodes.nodeIdOf(CLAIM, OWN);
    expect(sent(w)).toEqual([['create', OWN], ['connection', OWN, true], ['info', OWN]]);
    expect(w.link.getState().nodes).toEqual([{ machineGuid: OWN, hostname: 'own', nodeId, hops: 0, live: true, reportedLive: true }]);
    await w.clock.runUntil(w.link.stop(), 60_000);
  });

  it('a parent with two children: three nodes with hops 0, 1, 1; every one reported again after a reconnect, never created twice', async () => {
    const w = createWorld();
    await online(w);
    w.link.nodes.register({ machineGuid: OWN, hostname: 'parent' });
    w.link.nodes.register({ machineGuid: CHILD_A, hostname: 'a', hops: 1 });
    w.link.nodes.register({ machineGuid: CHILD_B, hostname: 'b', hops: 1 });
    await w.clock.advance(500);
    expect(w.link.getState().nodes.map((n) => [n.hops, n.nodeId !== null])).toEqual([[0, true], [1, true], [1, true]]);
    const first = w.broker.delivered.at(-1)?.session ?? 0;
    w.broker.dropAll();
    await w.clock.advance(120_000);
    expect(w.link.getState().top).toBe('connected');
    const second = w.broker.delivered.at(-1)?.session ?? 0;
    expect(second).toBeGreaterThan(first);
    expect(sent(w, second).filter(([k]) => k === 'create')).toEqual([]);
    expect(sent(w, second).filter(([k]) => k === 'connection').map(([, g, live]) => [g, live])).toEqual([[OWN, true], [CHILD_A, true], [CHILD_B, true]]);
    await w.clock.runUntil(w.link.stop(), 60_000);
  });

  it('marking a node down, removing it, and a graceful stop are reported with liveness false', async () => {
    const w = createWorld();
    await online(w);
    const a = w.link.nodes.register({ machineGuid: CHILD_A, hostname: 'a', hops: 1 });
    w.link.nodes.register({ machineGuid: CHILD_B, hostname: 'b', hops: 1 });
    await w.clock.advance(500);
    const mark = w.broker.delivered.length;
    a.setLive(false);
    await w.clock.advance(100);
    a.remove();
    await w.clock.advance(100);
    expect(w.link.getState().nodes.map((n) => n.machineGuid)).toEqual([CHILD_B]);
    await w.clock.runUntil(w.link.stop(), 60_000);
    const after = w.broker.delivered.slice(mark).map(parseSimNodePayload).filter((p): p is SimNodePayload => p !== null);
    expect(after.map((p) => [p.machineGuid, p.live])).toEqual([[CHILD_A, false], [CHILD_B, false]]);
  });

  it('SendNodeInstances reports every node again; nothing leaves a disabled or unclaimed link', async () => {
    const w = createWorld({ config: { enabled: false } });
    w.link.nodes.register({ machineGuid: OWN, hostname: 'own' });
    await w.link.start();
    await w.clock.advance(5_000);
    w.config.set({ claimId: null, enabled: true });
    await w.link.reload();
    await w.clock.advance(5_000);
    expect(w.link.getState().top).toBe('unclaimed');
    expect(w.broker.delivered).toEqual([]);
    w.config.set({ claimId: CLAIM });
    await w.link.reload();
    await w.clock.advance(2_000);
    const mark = w.broker.delivered.length;
    w.nodes.sendNodeInstances();
    await w.clock.advance(200);
    expect(w.broker.delivered.slice(mark).map(parseSimNodePayload).map((p) => p?.kind)).toEqual(['connection', 'info']);
    await w.clock.runUntil(w.link.stop(), 60_000);
  });

  it('a node id is kept for the claim: registering again reuses it; a new claim asks again', async () => {
    const w = createWorld();
    await online(w);
    w.link.nodes.register({ machineGuid: OWN, hostname: 'own' });
    await w.clock.advance(500);
    w.link.nodes.register({ machineGuid: OWN, hostname: 'renamed' });
    await w.clock.advance(500);
    expect(sent(w).filter(([k]) => k === 'create')).toHaveLength(1);
    const other = '00000000-0000-4000-8000-00000000abcd';
    w.config.set({ claimId: other });
    w.link.claimed(other);
    await w.clock.advance(120_000);
    expect(w.link.getState().nodes[0]?.nodeId).toBe(w.nodes.nodeIdOf(other, OWN));
    expect(sent(w).filter(([k]) => k === 'create')).toHaveLength(2);
    await w.clock.runUntil(w.link.stop(), 60_000);
  });

  it('a malformed CreateNodeInstanceResult, or one for a node not registered, is logged and changes nothing', async () => {
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => { warnings.push(m); }, error: (m: string) => { warnings.push(m); } };
    const w = createWorld({ logger });
    w.nodes.answers = false;
    await online(w);
    w.link.nodes.register({ machineGuid: OWN, hostname: 'own' });
    await w.clock.advance(100);
    w.broker.deliver('CreateNodeInstanceResult', new TextEncoder().encode('garbage'));
    w.broker.deliver('CreateNodeInstanceResult', new TextEncoder().encode(JSON.stringify({ machineGuid: CHILD_A, nodeId: 'x' })));
    await w.clock.advance(100);
    expect(warnings).toEqual(expect.arrayContaining(['malformed CreateNodeInstanceResult', 'CreateNodeInstanceResult for a node that is not waiting for one']));
    expect(w.link.getState()).toMatchObject({ top: 'connected', nodes: [{ machineGuid: OWN, nodeId: null }] });
    await w.clock.runUntil(w.link.stop(), 60_000);
  });

  it('bad registrations are coded errors', () => {
    const w = createWorld();
    expect(() => w.link.nodes.register({ machineGuid: 'nope', hostname: 'x' })).toThrow(expect.objectContaining({ code: 'NODE_INVALID' }));
    expect(() => w.link.nodes.register({ machineGuid: OWN, hostname: 'a\u001b[2J' })).toThrow(expect.objectContaining({ code: 'NODE_INVALID' }));
    expect(() => w.link.nodes.register({ machineGuid: OWN, hostname: 'a', hops: -1 })).toThrow(expect.objectContaining({ code: 'NODE_INVALID' }));
    const node = w.link.nodes.register({ machineGuid: OWN.toUpperCase(), hostname: 'a' });
    expect(node.machineGuid).toBe(OWN);
    node.remove();
    expect(() => node.setLive(false)).toThrow(expect.objectContaining({ code: 'NODE_UNKNOWN' }));
  });
});
