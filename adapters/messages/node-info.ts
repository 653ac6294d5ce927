/**
 * `nodeinstance.info.v1.UpdateNodeInfo` (agent -> cloud, `node-instance-info`): a node's metadata and
 * capabilities (PROTOCOL.md section 8; netdata node_info.cc `generate_update_node_info_message`).
 */
import { UpdateNodeInfoSchema } from './gen/nodeinstance/info/v1/info_pb.js';
import { capabilitiesIn, capabilitiesOut, optionalUuidIn, uuidIn, uuidOut } from './node-fields.js';
import { nodeInfoIn, nodeInfoOut, type DecodedNodeInfo, type MlInfo, type NodeInfoInit } from './node-info-data.js';
import type { CapabilityInfo } from './update-agent-connection.js';
import { decodeMessage, encodeMessage, fromBigInt, fromTimestamp, toBigInt, toTimestamp } from './wire.js';

export interface UpdateNodeInfoInit {
  readonly claimId: string;
  readonly nodeId: string;
  /** The node's machine GUID (the agent always sets it). */
  readonly machineGuid?: string;
  /** True for a node that streams to this agent, false for the agent's own node. */
  readonly child: boolean;
  readonly info: NodeInfoInit;
  readonly updatedAtMs: number;
  /** The agent leaves it out (0). */
  readonly sessionId?: bigint | number;
  /** Top-level `ml_info` (the agent: ML available in this build / enabled for this node). */
  readonly mlInfo?: MlInfo;
  /** `node_info.capabilities`: what the node itself can do (the agent sends its agent capabilities). */
  readonly nodeCapabilities?: readonly CapabilityInfo[];
  /** `node_instance_info.capabilities`: what the node can do through this agent. */
  readonly nodeInstanceCapabilities?: readonly CapabilityInfo[];
}

export interface DecodedUpdateNodeInfo {
  /** Lower-cased UUIDs. */
  readonly claimId: string;
  readonly nodeId: string;
  readonly machineGuid?: string;
  readonly child: boolean;
  /** Empty (name and version '', cpus 0, no labels) when the sender left `data` out. */
  readonly info: DecodedNodeInfo;
  /** 0 when the sender left `updated_at` out. */
  readonly updatedAtMs: number;
  readonly sessionId: bigint | number;
  readonly mlInfo?: MlInfo;
  readonly nodeCapabilities: CapabilityInfo[];
  readonly nodeInstanceCapabilities: CapabilityInfo[];
}

const TYPE = 'nodeinstance.info.v1.UpdateNodeInfo';

export function encodeUpdateNodeInfo(m: UpdateNodeInfoInit): Uint8Array {
  return encodeMessage(UpdateNodeInfoSchema, {
    claimId: uuidOut(TYPE, 'claimId', m.claimId),
    nodeId: uuidOut(TYPE, 'nodeId', m.nodeId),
    machineGuid: m.machineGuid === undefined ? '' : uuidOut(TYPE, 'machineGuid', m.machineGuid),
    child: m.child,
    data: nodeInfoOut(TYPE, m.info),
    updatedAt: toTimestamp(TYPE, 'updatedAtMs', m.updatedAtMs),
    sessionId: toBigInt(TYPE, 'sessionId', m.sessionId ?? 0),
    ...(m.mlInfo !== undefined ? { mlInfo: { mlCapable: m.mlInfo.mlCapable, mlEnabled: m.mlInfo.mlEnabled } } : {}),
    ...(m.nodeCapabilities !== undefined ? { nodeInfo: { capabilities: capabilitiesOut(TYPE, m.nodeCapabilities) } } : {}),
    ...(m.nodeInstanceCapabilities !== undefined
      ? { nodeInstanceInfo: { capabilities: capabilitiesOut(TYPE, m.nodeInstanceCapabilities) } }
      : {}),
  });
}

/** Throws `MSG_BAD_PROTOBUF` on bytes that are not this message or ids that are not UUIDs. */
export function decodeUpdateNodeInfo(bytes: Uint8Array): DecodedUpdateNodeInfo {
  const m = decodeMessage(UpdateNodeInfoSchema, bytes);
  const machineGuid = optionalUuidIn(TYPE, 'machine_guid', m.machineGuid);
  return {
    claimId: uuidIn(TYPE, 'claim_id', m.claimId),
    nodeId: uuidIn(TYPE, 'node_id', m.nodeId),
    ...(machineGuid !== undefined ? { machineGuid } : {}),
    child: m.child,
    info: nodeInfoIn(TYPE, m.data),
    updatedAtMs: fromTimestamp(m.updatedAt) ?? 0,
    sessionId: fromBigInt(m.sessionId),
    ...(m.mlInfo !== undefined ? { mlInfo: { mlCapable: m.mlInfo.mlCapable, mlEnabled: m.mlInfo.mlEnabled } } : {}),
    nodeCapabilities: capabilitiesIn(TYPE, m.nodeInfo?.capabilities ?? []),
    nodeInstanceCapabilities: capabilitiesIn(TYPE, m.nodeInstanceInfo?.capabilities ?? []),
  };
}
