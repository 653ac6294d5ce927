/** What the admin API shows of a node instance: its identity, liveness and the latest info. */
import type { DecodedUpdateAgentConnection, DecodedUpdateNodeCollectors, DecodedUpdateNodeInfo } from '../../adapters/messages/index.js';
import type { ClaimedNode, NodeInstanceRecord } from '../state-store.js';

/** An agent's reachability from its UpdateAgentConnection messages (and Last Will). */
export interface AgentStatus {
  readonly reachable: boolean;
  /** The MQTT session id (microseconds) as text. */
  readonly sessionId: string;
  readonly source: DecodedUpdateAgentConnection['updateSource'];
  readonly atMs: number;
}

/** In-memory state of a node instance (not persisted: a restarted cloud learns it again). */
export interface NodeRuntime {
  readonly claimId: string;
  readonly hostname?: string;
  readonly hops?: number;
  readonly liveness?: boolean;
  readonly queryable?: boolean;
  readonly sessionId?: string;
  readonly connectionAtMs?: number;
  readonly info?: DecodedUpdateNodeInfo;
  readonly infoAtMs?: number;
  readonly collectors?: DecodedUpdateNodeCollectors;
  readonly collectorsAtMs?: number;
}

export interface NodeView {
  /** null: the agent is claimed but created no node instance yet. */
  readonly nodeId: string | null;
  readonly machineGuid: string | null;
  readonly claimId: string;
  /** UpdateNodeInfo's name, else CreateNodeInstance's hostname, else the claim's. */
  readonly hostname: string;
  readonly hops: number | null;
  /** Its agent is reachable and the node's last UpdateNodeInstanceConnection said live. */
  readonly live: boolean;
  readonly queryable: boolean;
  /** The agent has an MQTT session with the broker right now. */
  readonly connected: boolean;
  readonly agentVersion: string | null;
  /** `osName osVersion` (or `os`) from UpdateNodeInfo. */
  readonly os: string | null;
  readonly child: boolean | null;
  readonly collectors: number | null;
  readonly updatedAtMs: number | null;
  /** The claim's room ids (as before node instances existed). */
  readonly rooms: readonly string[];
}

function osOf(info: DecodedUpdateNodeInfo['info'] | undefined): string | null {
  if (info === undefined) return null;
  const named = [info.osName, info.osVersion].filter((s) => s !== undefined && s !== '').join(' ');
  return named !== '' ? named : (info.os ?? null);
}

export function nodeViews(input: {
  readonly claimed: readonly ClaimedNode[];
  readonly instances: readonly NodeInstanceRecord[];
  readonly agents: ReadonlyMap<string, AgentStatus>;
  readonly runtime: ReadonlyMap<string, NodeRuntime>;
  readonly connected: ReadonlySet<string>;
}): NodeView[] {
  const claims = new Map(input.claimed.map((c) => [c.claimId, c]));
  const views: NodeView[] = input.instances.map((instance) => {
    const r = input.runtime.get(instance.nodeId);
    const reachable = input.agents.get(instance.claimId)?.reachable === true;
    const stamps = [r?.connectionAtMs, r?.infoAtMs, r?.collectorsAtMs].filter((t): t is number => t !== undefined);
    return {
      nodeId: instance.nodeId,
      machineGuid: instance.machineGuid,
      claimId: instance.claimId,
      hostname: r?.info?.info.name ?? r?.hostname ?? instance.hostname,
      hops: r?.hops ?? null,
      live: reachable && r?.liveness === true,
      queryable: reachable && r?.queryable === true,
      connected: input.connected.has(instance.claimId),
      agentVersion: r?.info?.info.version ?? null,
      os: osOf(r?.info?.info),
      child: r?.info?.child ?? null,
      collectors: r?.collectors?.collectors.length ?? null,
      updatedAtMs: stamps.length > 0 ? Math.max(...stamps) : null,
      rooms: claims.get(instance.claimId)?.rooms ?? [],
    };
  });
  const withInstances = new Set(input.instances.map((i) => i.claimId));
  for (const claim of input.claimed) {
    if (withInstances.has(claim.claimId)) continue;
    views.push({
      nodeId: null, machineGuid: claim.machineGuid ?? null, claimId: claim.claimId, hostname: claim.hostname, hops: null,
      live: false, queryable: false, connected: input.connected.has(claim.claimId), agentVersion: null, os: null, child: null,
      collectors: null, updatedAtMs: null, rooms: claim.rooms,
    });
  }
  return views.sort((a, b) => a.claimId.localeCompare(b.claimId) || (a.hops ?? 0) - (b.hops ?? 0) || a.hostname.localeCompare(b.hostname));
}
