/**
 * The real Transport: MQTT (mqtt.js 5) over a WebSocket over TLS, optionally through a proxy tunnel.
 * One `connect` is one attempt; nothing here retries (the statechart alone decides when to try again).
 */
import type * as http from 'node:http';
import type { Clock, Logger, Transport, TransportParams } from '../../effects/ports.js';
import { agentTlsOptions, type AgentTlsOptions } from '../cloud-api/index.js';
import type { CapabilityInfo } from '../messages/index.js';
import { createTunnelAgent, type ResolvedProxy } from '../proxy/index.js';
import { MqttSession } from './session.js';

export interface MqttTransportOptions {
  /** Supplies the agent of each connection (default: `createTunnelAgent(proxy ?? direct, tls)`). */
  readonly agentFactory?: (tls: AgentTlsOptions) => http.Agent;
  readonly proxy?: ResolvedProxy;
  readonly tls: { readonly ca?: string | Buffer; readonly insecure: boolean };
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sent in UpdateAgentConnection when the session comes up. */
  readonly capabilities?: readonly CapabilityInfo[];
  /** CONNECT keepalive. Default 60 s. */
  readonly keepaliveSeconds?: number;
  /** Idle time before a PINGREQ. Default 3/4 of the keepalive (45 s). */
  readonly pingIntervalMs?: number;
  /** No PINGRESP within this time: `ping-timeout`, then `closed` (PING_TIMEOUT). Default 60 s. */
  readonly pingTimeoutMs?: number;
  /** Budget for TLS + WebSocket upgrade + CONNACK + SUBACK. Default 120 s. */
  readonly connectTimeoutMs?: number;
  /** How long a graceful close waits for the PUBACK of UpdateAgentConnection(reachable=false). Default 2 s. */
  readonly gracefulPubackMs?: number;
  /** How long a graceful close waits for the WebSocket closing handshake before cutting. Default 2 s. */
  readonly closeTimeoutMs?: number;
  /** `User-Agent` of the WebSocket upgrade (identity/user-agent.ts userAgentFor). */
  readonly userAgent?: string;
}

export const DEFAULT_CAPABILITIES: readonly CapabilityInfo[] = [
  { name: 'proto', version: 1, enabled: true },
  { name: 'json', version: 2, enabled: false },
];

export function createMqttTransport(options: MqttTransportOptions): Transport {
  const tls = agentTlsOptions(options.tls);
  const keepaliveSeconds = options.keepaliveSeconds ?? 60;
  return {
    connect(params: TransportParams) {
      const agent = options.agentFactory
        ? options.agentFactory(tls)
        : createTunnelAgent(options.proxy ?? { kind: 'direct' }, tls);
      return new MqttSession(params, {
        clock: options.clock,
        logger: options.logger,
        agent,
        ownsAgent: options.agentFactory === undefined,
        tls,
        insecure: options.tls.insecure,
        ...(options.proxy ? { proxy: options.proxy } : {}),
        capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
        keepaliveSeconds,
        pingIntervalMs: options.pingIntervalMs ?? keepaliveSeconds * 750,
        pingTimeoutMs: options.pingTimeoutMs ?? 60_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 120_000,
        gracefulPubackMs: options.gracefulPubackMs ?? 2_000,
        closeTimeoutMs: options.closeTimeoutMs ?? 2_000,
        ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
      });
    },
  };
}
