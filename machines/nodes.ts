/**
 * Node instances (PROTOCOL.md section 8), the pure part: the nodes the host registered, what the
 * cloud knows of each, and which node-instance messages a connected link owes the cloud.
 *
 * A node is known by its machine GUID. Without a node id, the link asks for one (CreateNodeInstance)
 * once per session; the cloud's CreateNodeInstanceResult gives it. With a node id, the link reports
 * the node's liveness (UpdateNodeInstanceConnection) once per session and again whenever it changes,
 * and its info (UpdateNodeInfo) once per session and again whenever the host changes it. A removed
 * node, or every node at a graceful disconnect, is reported with liveness false. Node ids belong to
 * a claim: a new claim id forgets them.
 */

export interface NodeEntry {
  readonly machineGuid: string;
  readonly hostname: string;
  /** Streaming hops between the node and this agent: 0 for the agent's own node. */
  readonly hops: number;
  readonly nodeId: string | null;
  /** The host's word: the node's data is being collected (or streamed to this agent) now. */
  readonly live: boolean;
  /** Bumped by the host on every info change; the info sent is the host's latest. */
  readonly infoVersion: number;
  // What this session has sent (reset at every connection and by SendNodeInstances):
  /** CreateNodeInstance sent in this session. */
  readonly requested: boolean;
  /** The liveness last reported in this session (null: not reported yet). */
  readonly reported: boolean | null;
  /** The infoVersion last sent in this session (-1: none). */
  readonly infoSent: number;
}

export type NodeMessage =
  | { readonly kind: 'create'; readonly machineGuid: string; readonly hostname: string }
  | { readonly kind: 'connection'; readonly machineGuid: string; readonly nodeId: string; readonly live: boolean; readonly hops: number }
  | { readonly kind: 'info'; readonly machineGuid: string; readonly nodeId: string; readonly hops: number };

export interface NodeRegistration {
  readonly machineGuid: string;
  readonly hostname: string;
  readonly hops: number;
  readonly live: boolean;
  /** A node id the host kept for this machine GUID under the current claim, if any. */
  readonly nodeId: string | null;
}

export interface NodeChange {
  readonly machineGuid: string;
  readonly hostname?: string;
  readonly hops?: number;
  readonly live?: boolean;
  /** The node's info changed: send it again. */
  readonly infoChanged?: boolean;
}

const fresh = { requested: false, reported: null, infoSent: -1 } as const;

/** Add a node, or update it (a node id already known is kept: it is never asked for again). */
export function registerNode(nodes: readonly NodeEntry[], r: NodeRegistration): readonly NodeEntry[] {
  const existing = nodes.find((n) => n.machineGuid === r.machineGuid);
  if (!existing) return [...nodes, { ...r, infoVersion: 0, ...fresh }];
  return nodes.map((n) => (n === existing ? {
    ...n, hostname: r.hostname, hops: r.hops, live: r.live, nodeId: n.nodeId ?? r.nodeId, infoVersion: n.infoVersion + 1,
  } : n));
}

export function changeNode(nodes: readonly NodeEntry[], c: NodeChange): readonly NodeEntry[] {
  return nodes.map((n) => (n.machineGuid !== c.machineGuid ? n : {
    ...n,
    ...(c.hostname !== undefined ? { hostname: c.hostname } : {}),
    ...(c.hops !== undefined ? { hops: c.hops } : {}),
    ...(c.live !== undefined ? { live: c.live } : {}),
    infoVersion: c.infoChanged === true || c.hostname !== undefined || c.hops !== undefined ? n.infoVersion + 1 : n.infoVersion,
  }));
}

/**
 * The cloud's answer to CreateNodeInstance, taken only for a node that asked and still waits: a GUID
 * the host never registered, a node that has its id, or one whose request belonged to a claim that has
 * changed since (forgetNodeIds cleared `requested`) is ignored.
 */
export function awaitsNodeId(nodes: readonly NodeEntry[], machineGuid: string): boolean {
  return nodes.some((n) => n.machineGuid === machineGuid && n.nodeId === null && n.requested);
}

export function applyNodeId(nodes: readonly NodeEntry[], machineGuid: string, nodeId: string): readonly NodeEntry[] {
  if (!awaitsNodeId(nodes, machineGuid)) return nodes;
  return nodes.map((n) => (n.machineGuid === machineGuid ? { ...n, nodeId } : n));
}

/** Forget the node ids (a new claim) and what was sent. */
export function forgetNodeIds(nodes: readonly NodeEntry[]): readonly NodeEntry[] {
  return nodes.map((n) => ({ ...n, nodeId: null, ...fresh }));
}

/** A new session (or SendNodeInstances): everything is owed again. */
export function resetNodeSession(nodes: readonly NodeEntry[]): readonly NodeEntry[] {
  return nodes.map((n) => ({ ...n, ...fresh }));
}

/** Removing a node while not connected: it is simply forgotten. */
export function dropNode(nodes: readonly NodeEntry[], machineGuid: string): readonly NodeEntry[] {
  return nodes.filter((n) => n.machineGuid !== machineGuid);
}

export interface NodePlan {
  readonly nodes: readonly NodeEntry[];
  readonly messages: readonly NodeMessage[];
}

/** What a connected link owes the cloud now, in order: create, connection, info per node; nodes marked sent. */
export function planNodeMessages(nodes: readonly NodeEntry[]): NodePlan {
  const messages: NodeMessage[] = [];
  const next = nodes.map((n) => {
    if (n.nodeId === null) {
      if (n.requested) return n;
      messages.push({ kind: 'create', machineGuid: n.machineGuid, hostname: n.hostname });
      return { ...n, requested: true };
    }
    const { nodeId } = n;
    let out = n;
    if (n.reported !== n.live) {
      messages.push({ kind: 'connection', machineGuid: n.machineGuid, nodeId, live: n.live, hops: n.hops });
      out = { ...out, reported: n.live };
    }
    if (n.infoSent !== n.infoVersion) {
      messages.push({ kind: 'info', machineGuid: n.machineGuid, nodeId, hops: n.hops });
      out = { ...out, infoSent: n.infoVersion };
    }
    return out;
  });
  return { nodes: next, messages };
}

/** Removing a node while connected: reported down when the cloud saw it live, then forgotten. */
export function planNodeRemoval(nodes: readonly NodeEntry[], machineGuid: string): NodePlan {
  const node = nodes.find((n) => n.machineGuid === machineGuid);
  const messages: NodeMessage[] = node?.nodeId && node.reported === true
    ? [{ kind: 'connection', machineGuid, nodeId: node.nodeId, live: false, hops: node.hops }]
    : [];
  return { nodes: dropNode(nodes, machineGuid), messages };
}

/** A graceful disconnect: every node the cloud saw live in this session is reported down. */
export function planNodesDown(nodes: readonly NodeEntry[]): NodePlan {
  const messages: NodeMessage[] = [];
  const next = nodes.map((n) => {
    if (n.nodeId === null || n.reported !== true) return n;
    messages.push({ kind: 'connection', machineGuid: n.machineGuid, nodeId: n.nodeId, live: false, hops: n.hops });
    return { ...n, reported: false };
  });
  return { nodes: next, messages };
}

/** Nodes still waiting for a node id from the cloud. */
export const nodesAwaitingIds = (nodes: readonly NodeEntry[]): number => nodes.filter((n) => n.nodeId === null).length;
