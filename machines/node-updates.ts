/**
 * The statechart's node-instance steps (pure): the registry updated by an event, and, while
 * connected, the messages that step owes the cloud (`nodeOutbox`, handed to the transport by
 * `sendNodeMessages`). See nodes.ts for the rules.
 */
import {
  applyNodeId, changeNode, dropNode, planNodeMessages, planNodeRemoval, planNodesDown, registerNode, resetNodeSession,
  type NodeEntry, type NodePlan,
} from './nodes.js';
import type { LinkContext, NodeEvent } from './types.js';
import { markConnected, type SomeEvent } from './updates.js';

type Update = Partial<LinkContext>;

const NODE_EVENTS = new Set(['NODE_REGISTERED', 'NODE_CHANGED', 'NODE_REMOVED', 'NODE_CREATED', 'SEND_NODE_INSTANCES']);
const nodeEvent = (e: SomeEvent): NodeEvent | null => (NODE_EVENTS.has(e.type) ? (e as unknown as NodeEvent) : null);

/** The registry after a node event, whatever the state (a removal simply forgets the node). */
function applied(nodes: readonly NodeEntry[], ev: NodeEvent): readonly NodeEntry[] {
  switch (ev.type) {
    case 'NODE_REGISTERED': return registerNode(nodes, ev.node);
    case 'NODE_CHANGED': return changeNode(nodes, ev.change);
    case 'NODE_REMOVED': return dropNode(nodes, ev.machineGuid);
    case 'NODE_CREATED': return applyNodeId(nodes, ev.machineGuid, ev.nodeId);
    case 'SEND_NODE_INSTANCES': return nodes;
  }
}

/** Not connected (or disconnecting): the registry changes, nothing is sent. */
export function updateNodes(c: LinkContext, e: SomeEvent): Update {
  const ev = nodeEvent(e);
  return ev ? { nodes: applied(c.nodes, ev) } : {};
}

/** Connected: the registry changes and the messages owed are planned. */
export function syncNodes(c: LinkContext, e: SomeEvent): Update {
  const ev = nodeEvent(e);
  let plan: NodePlan;
  if (ev?.type === 'NODE_REMOVED') {
    const removal = planNodeRemoval(c.nodes, ev.machineGuid);
    const rest = planNodeMessages(removal.nodes);
    plan = { nodes: rest.nodes, messages: [...removal.messages, ...rest.messages] };
  } else if (ev?.type === 'SEND_NODE_INSTANCES') {
    plan = planNodeMessages(resetNodeSession(c.nodes));
  } else {
    plan = planNodeMessages(ev ? applied(c.nodes, ev) : c.nodes);
  }
  return { nodes: plan.nodes, nodeOutbox: plan.messages };
}

/** A new MQTT session: every node is owed again (create, or connection + info). */
export function beginNodeSession(c: LinkContext): Update {
  const plan = planNodeMessages(resetNodeSession(c.nodes));
  return { nodes: plan.nodes, nodeOutbox: plan.messages };
}

/** CONNACK: markConnected and beginNodeSession in one update (one `assign`, one copy of the context, per step). */
export function connectSession(c: LinkContext, e: SomeEvent): Update {
  return Object.assign(markConnected(c, e), beginNodeSession(c));
}

/** A graceful disconnect: the nodes the cloud saw live are reported down. */
export function reportNodesDown(c: LinkContext): Update {
  const plan = planNodesDown(c.nodes);
  return { nodes: plan.nodes, nodeOutbox: plan.messages };
}
