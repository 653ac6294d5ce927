/**
 * `nodeinstance.v1.UpdateNodeInstanceConnection` (agent -> cloud, `node-instance-connection`): whether a
 * node is live and queryable through this agent (PROTOCOL.md section 8; netdata node_connection.cc).
 */
import { UpdateNodeInstanceConnectionSchema } from './gen/nodeinstance/connection/v1/connection_pb.js';
import { capabilitiesIn, capabilitiesOut, hopsIn, hopsOut, nonEmpty, uuidIn, uuidOut } from './node-fields.js';
import type { CapabilityInfo } from './update-agent-connection.js';
import { decodeMessage, encodeMessage, fromBigInt, fromTimestamp, toBigInt, toTimestamp } from './wire.js';

export interface UpdateNodeInstanceConnectionInit {
  readonly claimId: string;
  readonly nodeId: string;
  /** Node data is being collected (or streamed to this agent) right now. */
  readonly liveness: boolean;
  /** The agent holds data about the node (the agent always sends true). */
  readonly queryable: boolean;
  /** The MQTT session's connect time in microseconds since the epoch (int64), as in UpdateAgentConnection. */
  readonly sessionId: bigint | number;
  readonly updatedAtMs: number;
  /** 0 for the agent's own node. */
  readonly hops: number;
  /** The node instance's capabilities (aclk_capas.c `aclk_get_node_instance_capas`). */
  readonly capabilities?: readonly CapabilityInfo[];
}

export interface DecodedUpdateNodeInstanceConnection {
  /** Lower-cased UUIDs. */
  readonly claimId: string;
  readonly nodeId: string;
  readonly liveness: boolean;
  readonly queryable: boolean;
  /** A number when it is a safe integer, else a bigint. */
  readonly sessionId: bigint | number;
  /** 0 when the sender left `updated_at` out. */
  readonly updatedAtMs: number;
  readonly hops: number;
  readonly capabilities: CapabilityInfo[];
  /** Injected by the cloud's broker side, never sent by an agent. */
  readonly mqttBrokerAddr?: string;
  readonly vmqInstanceId?: number;
}

const TYPE = 'nodeinstance.v1.UpdateNodeInstanceConnection';

export function encodeUpdateNodeInstanceConnection(m: UpdateNodeInstanceConnectionInit): Uint8Array {
  return encodeMessage(UpdateNodeInstanceConnectionSchema, {
    claimId: uuidOut(TYPE, 'claimId', m.claimId),
    nodeId: uuidOut(TYPE, 'nodeId', m.nodeId),
    liveness: m.liveness,
    queryable: m.queryable,
    sessionId: toBigInt(TYPE, 'sessionId', m.sessionId),
    updatedAt: toTimestamp(TYPE, 'updatedAtMs', m.updatedAtMs),
    hops: hopsOut(TYPE, m.hops),
    capabilities: capabilitiesOut(TYPE, m.capabilities),
  });
}

/** Throws `MSG_BAD_PROTOBUF` on bytes that are not this message, non-UUID ids or negative hops. */
export function decodeUpdateNodeInstanceConnection(bytes: Uint8Array): DecodedUpdateNodeInstanceConnection {
  const m = decodeMessage(UpdateNodeInstanceConnectionSchema, bytes);
  const mqttBrokerAddr = nonEmpty(m.mqttBrokerAddr);
  return {
    claimId: uuidIn(TYPE, 'claim_id', m.claimId),
    nodeId: uuidIn(TYPE, 'node_id', m.nodeId),
    liveness: m.liveness,
    queryable: m.queryable,
    sessionId: fromBigInt(m.sessionId),
    updatedAtMs: fromTimestamp(m.updatedAt) ?? 0,
    hops: hopsIn(TYPE, m.hops),
    capabilities: capabilitiesIn(TYPE, m.capabilities),
    ...(mqttBrokerAddr !== undefined ? { mqttBrokerAddr } : {}),
    ...(m.vmqInstanceId !== 0 ? { vmqInstanceId: m.vmqInstanceId } : {}),
  };
}
