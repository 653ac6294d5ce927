/**
 * Reasons in words, for the state an operator reads (PROTOCOL.md section 7).
 * Keyed by stable codes; a failure with an unknown code keeps its own message.
 */
import type { Failure } from './failure.js';
import type { Reason } from './types.js';

const TEXT: Readonly<Record<string, string>> = {
  STARTING: 'starting',
  DISABLED: 'the cloud is disabled in the configuration',
  STOPPED: 'the link was stopped by the host',
  NOT_CLAIMED: 'the node is not claimed',
  CONNECTING: 'connecting to the cloud',
  ONLINE: 'connected to the cloud',
  CLOUD_DISCONNECT: 'cloud requested disconnect',
  CLOUD_BAN: 'banned by the cloud',
  RECLAIMED: 'claimed under a new identity, reconnecting',
  CONFIG_RELOADED: 'connection settings changed, reconnecting',
  ENV_TIMEOUT: 'the cloud env request timed out',
  AUTH_TIMEOUT: 'the cloud authentication timed out',
  CONNECT_TIMEOUT: 'the MQTT connection did not complete within the connect budget',
  PING_TIMEOUT: 'the broker stopped answering pings',
  PROXY_REFUSED: 'proxy negotiation failed',
  PROXY_UNREACHABLE: 'the proxy could not be reached',
  PROXY_AUTH_FAILED: 'the proxy rejected the credentials',
  TLS_VERIFY_FAILED: 'TLS certificate verification failed',
  WS_UPGRADE_FAILED: 'the WebSocket upgrade failed',
  CONNACK_REFUSED: 'the broker refused the connection',
  SOCKET_CLOSED: 'the connection was closed',
};

/** The reasons of the known codes, made once: the context holds them, and a step needs no new one. */
const KNOWN: ReadonlyMap<string, Reason> = new Map(Object.entries(TEXT).map(([code, text]) => [code, Object.freeze({ code, text })]));

export function reason(code: string, fallback?: string): Reason {
  return KNOWN.get(code) ?? { code, text: fallback ?? code.toLowerCase().replace(/_/g, ' ') };
}

export function failureReason(failure: Failure): Reason {
  return KNOWN.get(failure.code) ?? { code: failure.code, text: failure.message };
}
