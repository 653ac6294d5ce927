/**
 * The real NodeWire: node-instance messages as protobuf on the topics of the password step
 * (PROTOCOL.md section 8; netdata's node_creation.cc, node_connection.cc, node_info.cc):
 * `create-node-instance`, `node-instance-connection`, `node-instance-info`, `node-instance-collectors`.
 */
import {
  decodeCreateNodeInstanceResult, encodeCreateNodeInstance, encodeUpdateNodeCollectors, encodeUpdateNodeInfo,
  encodeUpdateNodeInstanceConnection, type CapabilityInfo,
} from '../adapters/messages/index.js';
import type { NodeDetails, NodeWire } from '../effects/ports.js';

export interface NodeCapabilities {
  /** What the agent announces (UpdateAgentConnection; UpdateNodeInfo's node_info). */
  readonly agent: readonly CapabilityInfo[];
  /** What each node instance offers (UpdateNodeInstanceConnection; UpdateNodeInfo's node_instance_info). */
  readonly node: readonly CapabilityInfo[];
}

export function protobufNodeWire(agentVersion: string, capabilities: NodeCapabilities): NodeWire {
  return {
    encode(message, session, details: NodeDetails | undefined) {
      switch (message.kind) {
        case 'create':
          return [{
            topicName: 'create-node-instance',
            payload: encodeCreateNodeInstance({ claimId: session.claimId, machineGuid: message.machineGuid, hostname: message.hostname }),
          }];
        case 'connection':
          return [{
            topicName: 'node-instance-connection',
            payload: encodeUpdateNodeInstanceConnection({
              claimId: session.claimId, nodeId: message.nodeId, liveness: message.live, queryable: true,
              sessionId: session.sessionId, updatedAtMs: session.nowMs, hops: message.hops, capabilities: capabilities.node,
            }),
          }];
        case 'info': {
          if (!details) return [];
          const { info } = details;
          const out = [{
            topicName: 'node-instance-info',
            payload: encodeUpdateNodeInfo({
              claimId: session.claimId, nodeId: message.nodeId, machineGuid: message.machineGuid, child: message.hops > 0,
              updatedAtMs: session.nowMs, nodeCapabilities: capabilities.agent, nodeInstanceCapabilities: capabilities.node,
              mlInfo: { mlCapable: false, mlEnabled: false },
              info: {
                name: details.hostname, version: info.version ?? agentVersion, machineGuid: message.machineGuid,
                mlInfo: { mlCapable: false, mlEnabled: false },
                ...pick(info),
                ...(info.cpus !== undefined ? { cpus: info.cpus } : {}),
                ...(info.hostLabels !== undefined ? { hostLabels: info.hostLabels } : {}),
              },
            }),
          }];
          if (details.collectors === undefined) return out;
          return [...out, {
            topicName: 'node-instance-collectors',
            payload: encodeUpdateNodeCollectors({ claimId: session.claimId, nodeId: message.nodeId, collectors: details.collectors.map((c) => ({ plugin: c.plugin, module: c.module })) }),
          }];
        }
      }
    },
    decodeCreated(payload) {
      const { machineGuid, nodeId } = decodeCreateNodeInstanceResult(payload);
      return { machineGuid, nodeId };
    },
  };
}

const TEXT = ['os', 'osName', 'osVersion', 'kernelName', 'kernelVersion', 'architecture', 'cpuFrequency', 'memory', 'diskSpace',
  'releaseChannel', 'timezone', 'virtualizationType', 'containerType', 'customInfo'] as const;

/** The text fields of NodeInfo the host gave; netdata's defaults where it always sends one. */
function pick(info: NodeDetails['info']): Partial<Record<(typeof TEXT)[number], string>> {
  const out: Partial<Record<(typeof TEXT)[number], string>> = {
    cpuFrequency: '0', memory: '0', diskSpace: '0', virtualizationType: 'unknown', containerType: 'unknown',
  };
  for (const key of TEXT) {
    const value = info[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
