/** `agent.v1.UpdateAgentConnection`: the agent's reachability, on `agent-connection` and as the Last Will. */
import {
  ConnectionUpdateSource,
  UpdateAgentConnectionSchema,
} from './gen/agent/v1/connection_pb.js';
import { decodeMessage, encodeMessage, fromBigInt, fromTimestamp, invalid, toBigInt, toTimestamp } from './wire.js';

export type UpdateSource = 'agent' | 'lwt' | 'heuristic';

export interface CapabilityInfo {
  readonly name: string;
  /** uint32; 0 means absent. */
  readonly version: number;
  readonly enabled: boolean;
}

export interface UpdateAgentConnectionInit {
  readonly claimId: string;
  readonly reachable: boolean;
  /** Connect time in microseconds since the epoch (int64). */
  readonly sessionId: bigint | number;
  readonly updateSource: UpdateSource;
  readonly updatedAtMs: number;
  readonly mqttBrokerAddr?: string;
  readonly capabilities?: readonly CapabilityInfo[];
}

export interface DecodedUpdateAgentConnection {
  readonly claimId: string;
  readonly reachable: boolean;
  /** A number when it is a safe integer (always so for microsecond times before 2255), else a bigint. */
  readonly sessionId: bigint | number;
  /** `unspecified` for 0 or a value this version does not know. */
  readonly updateSource: UpdateSource | 'unspecified';
  /** 0 when the sender left `updated_at` out. */
  readonly updatedAtMs: number;
  readonly mqttBrokerAddr?: string;
  readonly capabilities: CapabilityInfo[];
}

const TYPE = 'agent.v1.UpdateAgentConnection';

const TO_WIRE: Readonly<Record<UpdateSource, ConnectionUpdateSource>> = {
  agent: ConnectionUpdateSource.AGENT,
  lwt: ConnectionUpdateSource.LWT,
  heuristic: ConnectionUpdateSource.HEURISTIC,
};

function fromWire(source: ConnectionUpdateSource): UpdateSource | 'unspecified' {
  switch (source) {
    case ConnectionUpdateSource.AGENT: return 'agent';
    case ConnectionUpdateSource.LWT: return 'lwt';
    case ConnectionUpdateSource.HEURISTIC: return 'heuristic';
    default: return 'unspecified';
  }
}

export function encodeUpdateAgentConnection(m: UpdateAgentConnectionInit): Uint8Array {
  const updateSource = TO_WIRE[m.updateSource];
  if (updateSource === undefined) throw invalid(TYPE, `unknown update source ${String(m.updateSource)}`);
  for (const c of m.capabilities ?? []) {
    if (!Number.isInteger(c.version) || c.version < 0 || c.version > 0xffffffff) {
      throw invalid(TYPE, `capability ${c.name}: version must be a uint32`);
    }
  }
  return encodeMessage(UpdateAgentConnectionSchema, {
    claimId: m.claimId,
    reachable: m.reachable,
    sessionId: toBigInt(TYPE, 'sessionId', m.sessionId),
    updateSource,
    updatedAt: toTimestamp(TYPE, 'updatedAtMs', m.updatedAtMs),
    mqttBrokerAddr: m.mqttBrokerAddr ?? '',
    capabilities: (m.capabilities ?? []).map((c) => ({ name: c.name, version: c.version, enabled: c.enabled })),
  });
}

/** Throws LinkError `MSG_BAD_PROTOBUF` on bytes that are not this message. */
export function decodeUpdateAgentConnection(bytes: Uint8Array): DecodedUpdateAgentConnection {
  const m = decodeMessage(UpdateAgentConnectionSchema, bytes);
  return {
    claimId: m.claimId,
    reachable: m.reachable,
    sessionId: fromBigInt(m.sessionId),
    updateSource: fromWire(m.updateSource),
    updatedAtMs: fromTimestamp(m.updatedAt) ?? 0,
    ...(m.mqttBrokerAddr !== '' ? { mqttBrokerAddr: m.mqttBrokerAddr } : {}),
    capabilities: m.capabilities.map((c) => ({ name: c.name, version: c.version, enabled: c.enabled })),
  };
}
