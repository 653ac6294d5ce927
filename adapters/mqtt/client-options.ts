/**
 * The mqtt.js options of one session (PROTOCOL.md section 4): WebSocket over TLS to `path` with
 * subprotocol `mqtt`, clean start, keepalive, Last Will on `agent-connection`, no retries of its own
 * (`reconnectPeriod: 0`, `manualConnect`), no keepalive timer of its own (see PingWatchdog), and the
 * WebSocket built by us (`createWebsocket`) so the session owns it: close code 1000, upgrade errors;
 * and the writes of one flush sent as one WebSocket frame (frames.ts).
 */
import type * as http from 'node:http';
import type { IClientOptions, Timer } from 'mqtt';
import WebSocket from 'ws';
import type { TransportParams } from '../../effects/ports.js';
import type { AgentTlsOptions } from '../cloud-api/index.js';
import { DEFAULT_USER_AGENT } from '../identity/user-agent.js';
import type { WsEndpoint } from './endpoint.js';
import { writeFrames } from './frames.js';

/** A timer that never fires: mqtt.js's KeepaliveManager stays inert. */
const INERT_TIMER: Timer = { set: () => 0, clear: () => undefined };

export interface ClientOptionsInput {
  readonly params: TransportParams;
  readonly endpoint: WsEndpoint;
  readonly willTopic: string;
  readonly willPayload: Uint8Array;
  readonly keepaliveSeconds: number;
  readonly connectTimeoutMs: number;
  readonly agent: http.Agent;
  readonly tls: AgentTlsOptions;
  readonly onWebSocket: (ws: WebSocket) => void;
  /** `User-Agent` of the WebSocket upgrade (identity/user-agent.ts); default DEFAULT_USER_AGENT. */
  readonly userAgent?: string;
}

export function clientOptions(input: ClientOptionsInput): IClientOptions {
  const { params, endpoint, tls } = input;
  const v5 = params.mqttVersion === 5;
  return {
    protocol: 'wss',
    hostname: endpoint.hostname,
    port: endpoint.port,
    path: endpoint.path,
    protocolVersion: params.mqttVersion,
    clean: true,
    keepalive: input.keepaliveSeconds,
    clientId: params.credentials.clientId,
    username: params.credentials.username,
    password: params.credentials.password,
    reconnectPeriod: 0,
    manualConnect: true,
    resubscribe: false,
    queueQoSZero: false,
    // Our own connect budget (on the injected clock) fires first; this is only a backstop.
    connectTimeout: input.connectTimeoutMs + 10_000,
    timerVariant: INERT_TIMER,
    ...(v5 ? { properties: { topicAliasMaximum: 65_535 } } : {}),
    will: { topic: input.willTopic, payload: Buffer.from(input.willPayload), qos: v5 ? 2 : 1, retain: false },
    // The options of mqtt.js's stream over the WebSocket: what one flush buffered leaves as one frame (frames.ts).
    wsOptions: { writev: writeFrames },
    createWebsocket: (url: string, protocols: string[]) => {
      const ws = new WebSocket(url, protocols, {
        agent: input.agent,
        perMessageDeflate: false,
        headers: { 'user-agent': input.userAgent ?? DEFAULT_USER_AGENT },
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.secureContext !== undefined ? { secureContext: tls.secureContext } : {}),
      });
      input.onWebSocket(ws);
      return ws;
    },
  };
}
