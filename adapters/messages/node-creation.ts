/**
 * `nodeinstance.create.v1.CreateNodeInstance` (agent -> cloud, `create-node-instance`) and
 * `CreateNodeInstanceResult` (cloud -> agent): how a node without a node id gets one (PROTOCOL.md section 8).
 */
import { CreateNodeInstanceResultSchema, CreateNodeInstanceSchema } from './gen/nodeinstance/create/v1/creation_pb.js';
import { hopsIn, hopsOut, nonEmpty, uuidIn, uuidOut } from './node-fields.js';
import { decodeMessage, encodeMessage } from './wire.js';

export interface CreateNodeInstanceInit {
  readonly claimId: string;
  readonly machineGuid: string;
  readonly hostname: string;
  /** Streaming hops: 0 (the default) for the agent's own node, >= 1 for a child. */
  readonly hops?: number;
}

export interface DecodedCreateNodeInstance {
  /** Lower-cased UUIDs. */
  readonly claimId: string;
  readonly machineGuid: string;
  readonly hostname: string;
  readonly hops: number;
  /** Injected by the cloud's broker side, never sent by an agent. */
  readonly mqttBrokerAddr?: string;
  readonly vmqInstanceId?: number;
}

export interface CreateNodeInstanceResultInit {
  readonly nodeId: string;
  readonly machineGuid: string;
}

/** Both lower-cased UUIDs. */
export type DecodedCreateNodeInstanceResult = CreateNodeInstanceResultInit;

const REQUEST = 'nodeinstance.create.v1.CreateNodeInstance';
const RESULT = 'nodeinstance.create.v1.CreateNodeInstanceResult';

/** Throws `MSG_INVALID` when an id is not a UUID or hops is not a non-negative int32. */
export function encodeCreateNodeInstance(m: CreateNodeInstanceInit): Uint8Array {
  return encodeMessage(CreateNodeInstanceSchema, {
    claimId: uuidOut(REQUEST, 'claimId', m.claimId),
    machineGuid: uuidOut(REQUEST, 'machineGuid', m.machineGuid),
    hostname: m.hostname,
    hops: hopsOut(REQUEST, m.hops ?? 0),
  });
}

/** Throws `MSG_BAD_PROTOBUF` on bytes that are not this message, non-UUID ids or negative hops. */
export function decodeCreateNodeInstance(bytes: Uint8Array): DecodedCreateNodeInstance {
  const m = decodeMessage(CreateNodeInstanceSchema, bytes);
  const mqttBrokerAddr = nonEmpty(m.mqttBrokerAddr);
  return {
    claimId: uuidIn(REQUEST, 'claim_id', m.claimId),
    machineGuid: uuidIn(REQUEST, 'machine_guid', m.machineGuid),
    hostname: m.hostname,
    hops: hopsIn(REQUEST, m.hops),
    ...(mqttBrokerAddr !== undefined ? { mqttBrokerAddr } : {}),
    ...(m.vmqInstanceId !== 0 ? { vmqInstanceId: m.vmqInstanceId } : {}),
  };
}

export function encodeCreateNodeInstanceResult(m: CreateNodeInstanceResultInit): Uint8Array {
  return encodeMessage(CreateNodeInstanceResultSchema, {
    nodeId: uuidOut(RESULT, 'nodeId', m.nodeId),
    machineGuid: uuidOut(RESULT, 'machineGuid', m.machineGuid),
  });
}

/**
 * The agent drops a result whose node id or machine GUID does not parse as a UUID (netdata
 * database/sqlite/sqlite_aclk.c `create_node_instance_result_job`): here that is `MSG_BAD_PROTOBUF`.
 */
export function decodeCreateNodeInstanceResult(bytes: Uint8Array): DecodedCreateNodeInstanceResult {
  const m = decodeMessage(CreateNodeInstanceResultSchema, bytes);
  return {
    nodeId: uuidIn(RESULT, 'node_id', m.nodeId),
    machineGuid: uuidIn(RESULT, 'machine_guid', m.machineGuid),
  };
}
