/**
 * The MQTT-over-WebSocket endpoint on the dev cloud's HTTPS server: path `/mqtt`, subprotocol `mqtt`
 * (PROTOCOL.md section 4). Any other upgrade (another path, no `mqtt` subprotocol) answers 404, as
 * the dev cloud does without a broker: there is no such endpoint. An outage answers 503.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../effects/ports.js';
import type { UpgradeHandler } from '../upgrade.js';

export const MQTT_WS_PATH = '/mqtt';
export const MQTT_SUBPROTOCOL = 'mqtt';

export interface MqttWsEndpoint {
  readonly handler: UpgradeHandler;
  /** Terminates every open WebSocket and stops accepting new ones. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function offersMqtt(req: IncomingMessage): boolean {
  const header = req.headers['sec-websocket-protocol'] ?? '';
  return header.split(',').some((p) => p.trim() === MQTT_SUBPROTOCOL);
}

/** `accept(stream, req)` gets each new MQTT byte stream; `refusing()` true answers 503. */
export function mqttWsEndpoint(options: {
  readonly accept: (stream: Duplex, req: IncomingMessage) => void;
  readonly refusing: () => boolean;
  readonly logger: Logger;
}): MqttWsEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(MQTT_SUBPROTOCOL) ? MQTT_SUBPROTOCOL : false),
  });
  const handler: UpgradeHandler = (req, socket, head) => {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'https://dev-cloud.invalid').pathname;
    if (path !== MQTT_WS_PATH) return refuse(socket, '404 Not Found');
    if (!offersMqtt(req)) return refuse(socket, '404 Not Found');
    if (options.refusing()) {
      options.logger.debug('dev cloud broker: upgrade refused (outage)');
      return refuse(socket, '503 Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', (error) => options.logger.debug('dev cloud broker: websocket stream error', { error: error.message }));
      options.accept(stream, req);
    });
  };
  return {
    handler,
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    }),
  };
}
