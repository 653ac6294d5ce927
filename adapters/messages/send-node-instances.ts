/**
 * `agent.v1.SendNodeInstances` (cloud -> agent, message type `SendNodeInstances`): report every node
 * instance again. The agent ignores the fields (aclk_rx_msgs.c `send_node_instances`); they are decoded
 * for completeness.
 */
import { SendNodeInstancesSchema } from './gen/agent/v1/connection_pb.js';
import { nonEmpty } from './node-fields.js';
import { decodeMessage, encodeMessage } from './wire.js';

export interface SendNodeInstancesConfig {
  readonly bearerProtection: boolean;
  readonly cloudOnlyNotifications: boolean;
  readonly universalDashboards: boolean;
}

export interface SendNodeInstancesInit {
  readonly claimId?: string;
  readonly config?: SendNodeInstancesConfig;
}

/** `claimId` is left out when empty on the wire, `config` when absent; neither is validated. */
export type DecodedSendNodeInstances = SendNodeInstancesInit;

export function encodeSendNodeInstances(m: SendNodeInstancesInit = {}): Uint8Array {
  return encodeMessage(SendNodeInstancesSchema, {
    claimId: m.claimId ?? '',
    ...(m.config !== undefined ? { config: { ...m.config } } : {}),
  });
}

/** Throws `MSG_BAD_PROTOBUF` on bytes that are not this message; an empty payload is a valid message. */
export function decodeSendNodeInstances(bytes: Uint8Array): DecodedSendNodeInstances {
  const m = decodeMessage(SendNodeInstancesSchema, bytes);
  const claimId = nonEmpty(m.claimId);
  return {
    ...(claimId !== undefined ? { claimId } : {}),
    ...(m.config !== undefined
      ? {
          config: {
            bearerProtection: m.config.bearerProtection,
            cloudOnlyNotifications: m.config.cloudOnlyNotifications,
            universalDashboards: m.config.universalDashboards,
          },
        }
      : {}),
  };
}
