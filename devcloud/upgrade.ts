/** What the dev cloud's HTTPS server hands a WebSocket endpoint (aedes' MQTT over WSS) on an upgrade request. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
