/**
 * Coded LinkErrors for everything that can end an MQTT session. Read from the sources:
 * - ws 8: a non-101 answer is `Error('Unexpected server response: 404')`; bad handshakes are
 *   `Server sent no subprotocol`, `Invalid Sec-WebSocket-Accept header`...; none has a `code`.
 * - mqtt.js 5: a refused CONNACK is `ErrorWithReasonCode('Connection refused: ...', rc)` (we build our
 *   own from the CONNACK packet), parser errors are plain Errors, `Keepalive timeout`, `connack timeout`.
 * - The proxy tunnel agents reject with coded LinkErrors already; TLS and socket errors carry Node codes.
 * Messages never contain the MQTT password: nothing here sees it.
 */
import { ReasonCodes } from 'mqtt';
import { LinkError } from '../../effects/errors.js';
import { mapTransportError } from '../cloud-api/index.js';
import { classifyProxyError, type ResolvedProxy } from '../proxy/index.js';

const WS_HANDSHAKE = [/^Unexpected server response/, /subprotocol/i, /Sec-WebSocket/, /^Invalid Upgrade header/, /^Opening handshake has timed out/];
const PROXY_CODES = /^PROXY_/;

export function reasonText(code: number): string {
  const text = (ReasonCodes as Record<number, string | undefined>)[code];
  return `${code} (0x${code.toString(16).padStart(2, '0')}${text ? ` ${text}` : ''})`;
}

export function connackRefused(mqttVersion: 5 | 4, code: number, reasonString?: string): LinkError {
  const what = mqttVersion === 5 ? 'reason code' : 'return code';
  return new LinkError('CONNACK_REFUSED', `the broker refused the connection: ${what} ${reasonText(code)}${reasonString ? `: ${reasonString}` : ''}`);
}

/** A publish the broker answered with an error reason (MQTT 5 PUBACK >= 0x80). */
export function pubackRefused(topic: string, code: number): LinkError {
  const text = `the broker refused the message on ${topic}: reason code ${reasonText(code)}`;
  if (code === 0x87 || code === 0x90) return new LinkError('TOPIC_UNKNOWN', text);
  if (code === 0x95) return new LinkError('MESSAGE_TOO_BIG', text);
  return new LinkError('PUBLISH_REJECTED', text);
}

/**
 * An error seen on the WebSocket or the MQTT client. `up`: the session had reached CONNACK, so a
 * network error is the connection going away (`SOCKET_CLOSED`), not a failed attempt.
 */
export function classifySessionError(error: unknown, context: { readonly up: boolean; readonly endpoint: string; readonly proxy?: ResolvedProxy }): LinkError {
  if (error instanceof LinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (WS_HANDSHAKE.some((re) => re.test(message))) {
    if (message.startsWith('Opening handshake has timed out')) return new LinkError('CONNECT_TIMEOUT', `${context.endpoint}: the WebSocket upgrade timed out`);
    return new LinkError('WS_UPGRADE_FAILED', `${context.endpoint}: WebSocket upgrade failed: ${message}`);
  }
  if (message === 'connack timeout') return new LinkError('CONNECT_TIMEOUT', `${context.endpoint}: no CONNACK in time`);
  if (typeof code === 'number') return new LinkError('PROTOCOL_ERROR', `${context.endpoint}: MQTT protocol error: ${message}`);
  if (typeof code !== 'string') return new LinkError('PROTOCOL_ERROR', `${context.endpoint}: MQTT protocol error: ${message}`);
  if (code.startsWith('WS_ERR_')) return new LinkError('PROTOCOL_ERROR', `${context.endpoint}: WebSocket protocol error (${code}): ${message}`);
  if (context.proxy && context.proxy.kind !== 'direct' && !context.up) {
    const proxied = classifyProxyError(error, context.proxy);
    if (PROXY_CODES.test(proxied.code)) return proxied;
  }
  const mapped = mapTransportError(error, context.endpoint);
  if (!context.up && mapped.code === 'NETWORK_ERROR' && (code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return new LinkError('TLS_HANDSHAKE_FAILED', `${context.endpoint}: TLS handshake failed (${code}): ${message}`, { cause: error });
  }
  if (context.up && mapped.code !== 'TLS_VERIFY_FAILED') {
    return new LinkError('SOCKET_CLOSED', `${context.endpoint}: the connection was lost (${code}): ${message}`, { cause: error });
  }
  return mapped;
}
