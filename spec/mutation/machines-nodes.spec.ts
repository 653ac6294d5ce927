/**
 * Node instances, the pure part (PROTOCOL.md section 8; machines/nodes.ts, node-updates.ts): the
 * registry's updates and the messages a connected link owes, with expected values written out.
 */
import { describe, expect, it } from 'vitest';
import * as n from '../../machines/nodes.js';
import { syncNodes, updateNodes } from '../../machines/node-updates.js';
import type { LinkContext } from '../../machines/types.js';

const reg = (machineGuid: string, over: Partial<n.NodeRegistration> = {}): n.NodeRegistration => ({ machineGuid, hostname: `h-${machineGuid}`, hops: 0, live: true, nodeId: null, ...over });
const entry = (machineGuid: string, over: Partial<n.NodeEntry> = {}): n.NodeEntry => ({ machineGuid, hostname: `h-${machineGuid}`, hops: 0, live: true, nodeId: null, infoVersion: 0, requested: false, reported: null, infoSent: -1, ...over });
const withNodes = (nodes: readonly n.NodeEntry[]) => ({ nodes }) as unknown as LinkContext;

describe('the registry', () => {
  it('registering again updates only that node, keeps a known node id and bumps its info version', () => {
    const nodes = [entry('a', { nodeId: 'id-a', infoVersion: 2 }), entry('b')];
    const out = n.registerNode(nodes, reg('a', { hostname: 'new', hops: 2, live: false, nodeId: 'other' }));
    expect(out[0]).toEqual(entry('a', { hostname: 'new', hops: 2, live: false, nodeId: 'id-a', infoVersion: 3 }));
    expect(out[1]).toBe(nodes[1]);
    expect(n.registerNode([entry('a')], reg('a', { nodeId: 'kept' }))[0]?.nodeId).toBe('kept');
  });

  it('a change touches only its node; hostname, hops or infoChanged bump the info version, liveness alone does not', () => {
    const nodes = [entry('a', { infoVersion: 1 }), entry('b')];
    expect(n.changeNode(nodes, { machineGuid: 'a', live: false })).toEqual([entry('a', { infoVersion: 1, live: false }), nodes[1]]);
    expect(n.changeNode(nodes, { machineGuid: 'a' })[0]).toEqual(entry('a', { infoVersion: 1 }));
    expect(n.changeNode(nodes, { machineGuid: 'a', hostname: 'x' })[0]).toEqual(entry('a', { infoVersion: 2, hostname: 'x' }));
    expect(n.changeNode(nodes, { machineGuid: 'a', hops: 3 })[0]).toEqual(entry('a', { infoVersion: 2, hops: 3 }));
    expect(n.changeNode(nodes, { machineGuid: 'a', infoChanged: true })[0]).toEqual(entry('a', { infoVersion: 2 }));
    expect(n.changeNode(nodes, { machineGuid: 'a', infoChanged: false })[0]).toEqual(entry('a', { infoVersion: 1 }));
    expect(n.changeNode(nodes, { machineGuid: 'zz', hostname: 'x' })).toEqual(nodes);
  });

  it('the cloud\'s node id goes to its node only; removal forgets; counting nodes awaiting ids', () => {
    const nodes = [entry('a', { requested: true }), entry('b', { requested: true })];
    expect(n.applyNodeId(nodes, 'b', 'id-b')).toEqual([entry('a', { requested: true }), entry('b', { requested: true, nodeId: 'id-b' })]);
    // Only a node that asked and still waits takes it: not one whose request belonged to a forgotten claim, nor one with an id.
    expect(n.applyNodeId([entry('a')], 'a', 'late')).toEqual([entry('a')]);
    expect(n.applyNodeId([entry('a', { requested: true, nodeId: 'kept' })], 'a', 'other')[0]?.nodeId).toBe('kept');
    expect(n.applyNodeId(nodes, 'zz', 'x')).toBe(nodes);
    expect(n.dropNode(nodes, 'a')).toEqual([entry('b', { requested: true })]);
    expect(n.nodesAwaitingIds([entry('a'), entry('b', { nodeId: 'x' }), entry('c')])).toBe(2);
  });
});

describe('messages owed', () => {
  it('asks for a node id once per session', () => {
    const first = n.planNodeMessages([entry('a')]);
    expect(first.messages).toEqual([{ kind: 'create', machineGuid: 'a', hostname: 'h-a' }]);
    expect(first.nodes[0]?.requested).toBe(true);
    expect(n.planNodeMessages(first.nodes).messages).toEqual([]);
  });

  it('a removal reports a node down only when the cloud saw it live', () => {
    const live = [entry('a', { nodeId: 'id-a', reported: true, hops: 1 }), entry('b')];
    expect(n.planNodeRemoval(live, 'a')).toEqual({ nodes: [entry('b')], messages: [{ kind: 'connection', machineGuid: 'a', nodeId: 'id-a', live: false, hops: 1 }] });
    expect(n.planNodeRemoval([entry('a', { nodeId: 'id-a', reported: false })], 'a').messages).toEqual([]);
    expect(n.planNodeRemoval([entry('a', { reported: true })], 'a').messages).toEqual([]);
    expect(n.planNodeRemoval(live, 'b').messages).toEqual([]);
    expect(n.planNodeRemoval(live, 'never-registered')).toEqual({ nodes: live, messages: [] });
  });

  it('a graceful disconnect reports down exactly the nodes reported live', () => {
    const nodes = [entry('a', { nodeId: 'id-a', reported: true }), entry('b', { nodeId: 'id-b', reported: false }), entry('c', { reported: true })];
    const plan = n.planNodesDown(nodes);
    expect(plan.messages).toEqual([{ kind: 'connection', machineGuid: 'a', nodeId: 'id-a', live: false, hops: 0 }]);
    expect(plan.nodes).toEqual([entry('a', { nodeId: 'id-a', reported: false }), nodes[1], nodes[2]]);
    expect(n.planNodesDown([]).messages).toEqual([]);
  });
});

describe('node updates of the context', () => {
  it('updateNodes applies each node event; other events change nothing', () => {
    const c = withNodes([entry('a')]);
    expect(updateNodes(c, { type: 'NODE_CHANGED', change: { machineGuid: 'a', hops: 4 } } as never).nodes?.[0]?.hops).toBe(4);
    expect(updateNodes(c, { type: 'NODE_REMOVED', machineGuid: 'a' } as never).nodes).toEqual([]);
    expect(updateNodes(c, { type: 'SEND_NODE_INSTANCES' } as never).nodes).toBe(c.nodes);
    expect(updateNodes(c, { type: 'ENABLE' })).toEqual({});
  });

  it('syncNodes on a removal reports the removed node down first, then what else is owed', () => {
    const c = withNodes([entry('a', { nodeId: 'id-a', reported: true, infoSent: 0 }), entry('b')]);
    const out = syncNodes(c, { type: 'NODE_REMOVED', machineGuid: 'a' } as never);
    expect(out.nodeOutbox).toEqual([
      { kind: 'connection', machineGuid: 'a', nodeId: 'id-a', live: false, hops: 0 },
      { kind: 'create', machineGuid: 'b', hostname: 'h-b' },
    ]);
    expect(out.nodes?.map((x) => x.machineGuid)).toEqual(['b']);
  });

  it('syncNodes on SEND_NODE_INSTANCES owes everything again; on other events only what changed', () => {
    const sent = entry('a', { nodeId: 'id-a', reported: true, infoSent: 0, requested: true });
    const again = syncNodes(withNodes([sent]), { type: 'SEND_NODE_INSTANCES' } as never);
    expect(again.nodeOutbox).toEqual([
      { kind: 'connection', machineGuid: 'a', nodeId: 'id-a', live: true, hops: 0 },
      { kind: 'info', machineGuid: 'a', nodeId: 'id-a', hops: 0 },
    ]);
    expect(syncNodes(withNodes([sent]), { type: 'NODE_CHANGED', change: { machineGuid: 'a' } } as never).nodeOutbox).toEqual([]);
    expect(syncNodes(withNodes([sent]), { type: 'ENABLE' }).nodeOutbox).toEqual([]);
  });
});
