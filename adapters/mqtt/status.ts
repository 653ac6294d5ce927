/** The UpdateAgentConnection payloads of one session: the Last Will, "online" and "going offline". */
import { encodeUpdateAgentConnection, type CapabilityInfo } from '../messages/index.js';
import type { TransportParams } from '../../effects/ports.js';

export function lastWill(params: TransportParams, nowMs: number): Uint8Array {
  return encodeUpdateAgentConnection({ claimId: params.claimId, reachable: false, sessionId: Math.trunc(params.sessionId), updateSource: 'lwt', updatedAtMs: nowMs });
}

export function online(params: TransportParams, nowMs: number, capabilities: readonly CapabilityInfo[]): Uint8Array {
  return encodeUpdateAgentConnection({
    claimId: params.claimId, reachable: true, sessionId: Math.trunc(params.sessionId), updateSource: 'agent', updatedAtMs: nowMs, capabilities,
  });
}

export function offline(params: TransportParams, nowMs: number): Uint8Array {
  return encodeUpdateAgentConnection({ claimId: params.claimId, reachable: false, sessionId: Math.trunc(params.sessionId), updateSource: 'agent', updatedAtMs: nowMs });
}
