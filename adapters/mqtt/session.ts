/**
 * One MQTT session over a WebSocket (the real twin of simulations/world/sim-broker.ts). Reports
 * everything on `events`, asynchronously, ending with exactly one `closed`; rejects unacknowledged
 * publishes with SOCKET_CLOSED when the connection goes.
 */
import type * as http from 'node:http';
import mqtt, { type IConnackPacket, type MqttClient, type Packet } from 'mqtt';
import { Subject } from 'rxjs';
import type WebSocket from 'ws';
import { LinkError } from '../../effects/errors.js';
import type { Clock, Logger, SessionEvent, TransportParams, TransportSession } from '../../effects/ports.js';
import type { AgentTlsOptions } from '../cloud-api/index.js';
import type { CapabilityInfo } from '../messages/index.js';
import type { ResolvedProxy } from '../proxy/index.js';
import { clientOptions } from './client-options.js';
import { parseEndpoint, type WsEndpoint } from './endpoint.js';
import { classifySessionError, connackRefused, pubackRefused } from './errors.js';
import { inbound } from './inbound.js';
import { NO_LIMITS, publishPacketSize, serverLimits, type ServerLimits } from './limits.js';
import { PingWatchdog } from './ping-watchdog.js';
import { PublishFlow } from './publish-flow.js';
import { lastWill, offline, online } from './status.js';
import { subscribeInbox } from './subscribe.js';

export interface SessionSettings {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly agent: http.Agent;
  readonly ownsAgent: boolean;
  readonly tls: AgentTlsOptions;
  readonly insecure: boolean;
  readonly proxy?: ResolvedProxy;
  readonly capabilities: readonly CapabilityInfo[];
  readonly keepaliveSeconds: number;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly gracefulPubackMs: number;
  readonly closeTimeoutMs: number;
  readonly userAgent?: string;
}

type State = 'connecting' | 'subscribing' | 'up' | 'closing' | 'closed';
const DISCONNECT = Buffer.from([0xe0, 0x00]);

export class MqttSession implements TransportSession {
  readonly events = new Subject<SessionEvent>();
  private state: State = 'connecting';
  private connacked = false;
  private client: MqttClient | null = null;
  private ws: WebSocket | null = null;
  private endpoint: WsEndpoint | null = null;
  private failure: LinkError | null = null;
  private closedByClient = false;
  private pingTimedOut = false;
  private limits: ServerLimits = NO_LIMITS;
  private connectTimer: unknown = null;
  private closing: Promise<void> | null = null;
  private resolveDone: () => void = () => undefined;
  private readonly done = new Promise<void>((resolve) => { this.resolveDone = resolve; });
  private readonly flow = new PublishFlow((topic, payload, done) => this.send(topic, payload, done));
  private readonly watchdog: PingWatchdog;

  constructor(private readonly params: TransportParams, private readonly s: SessionSettings) {
    this.watchdog = new PingWatchdog(s.clock, s.pingIntervalMs, s.pingTimeoutMs, () => this.client?.sendPing(), () => this.onPingTimeout());
    try {
      this.start();
    } catch (error) {
      this.fail(error);
      queueMicrotask(() => this.finish());
    }
  }

  /** Publishes waiting for PUBACK, publishes held back by the server's Receive Maximum, and its limits. */
  get stats(): { readonly inflight: number; readonly queued: number; readonly limits: ServerLimits } {
    return { inflight: this.flow.inflight, queued: this.flow.queued, limits: this.limits };
  }

  private get where(): string {
    return this.endpoint?.url ?? this.params.endpoint;
  }

  private topic(name: string): string {
    const topics = this.params.credentials.topics;
    const topic = Object.hasOwn(topics, name) ? topics[name] : undefined;
    if (topic === undefined) throw new LinkError('TOPIC_UNKNOWN', `no topic named ${JSON.stringify(name)} in the credentials`);
    return topic;
  }

  private start(): void {
    this.endpoint = parseEndpoint(this.params.endpoint);
    const willTopic = this.topic('agent-connection');
    this.topic('inbox-cmd');
    if (this.s.insecure) this.s.logger.warn('insecure mode: the cloud certificate is not verified', { endpoint: this.endpoint.url });
    this.connectTimer = this.s.clock.setTimeout(() => {
      this.fail(new LinkError('CONNECT_TIMEOUT', `${this.where}: not connected within ${this.s.connectTimeoutMs} ms`));
      this.terminate();
    }, this.s.connectTimeoutMs);
    const client = mqtt.connect(clientOptions({
      params: this.params, endpoint: this.endpoint, willTopic, willPayload: lastWill(this.params, this.s.clock.now()),
      keepaliveSeconds: this.s.keepaliveSeconds, connectTimeoutMs: this.s.connectTimeoutMs, agent: this.s.agent, tls: this.s.tls,
      onWebSocket: (ws) => this.attachSocket(ws),
      ...(this.s.userAgent !== undefined ? { userAgent: this.s.userAgent } : {}),
    }));
    this.client = client;
    client.on('error', (error) => {
      this.fail(error);
      this.terminate();
    });
    client.on('packetreceive', (packet: Packet) => this.onPacket(packet));
    client.on('packetsend', (packet: Packet) => { if (packet.cmd !== 'pingreq') this.watchdog.packetSent(); });
    client.on('connect', (connack: IConnackPacket) => this.onConnack(connack));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('disconnect', (packet) => {
      const code = packet.reasonCode ?? 0;
      this.fail(new LinkError('SOCKET_CLOSED', `${this.where}: the broker sent DISCONNECT (reason code ${code})`));
      this.terminate();
    });
    client.connect();
  }

  private attachSocket(ws: WebSocket): void {
    this.ws = ws;
    ws.on('error', (error) => this.fail(error));
    ws.on('close', (code) => this.finish(code));
  }

  private fail(error: unknown): void {
    if (this.failure !== null || this.closedByClient) return;
    this.failure = classifySessionError(error, { up: this.connacked, endpoint: this.where, ...(this.s.proxy ? { proxy: this.s.proxy } : {}) });
  }

  private onPacket(packet: Packet): void {
    if (packet.cmd === 'pingresp') this.watchdog.pongReceived();
    if (packet.cmd === 'connack') {
      const rc = (this.params.mqttVersion === 5 ? packet.reasonCode : packet.returnCode) ?? 0;
      if (rc !== 0) this.fail(connackRefused(this.params.mqttVersion, rc, packet.properties?.reasonString));
    }
  }

  private onConnack(connack: IConnackPacket): void {
    if (this.state !== 'connecting') return;
    this.connacked = true;
    this.state = 'subscribing';
    this.limits = serverLimits(connack.properties);
    this.flow.setLimit(this.limits.receiveMaximum);
    this.watchdog.start();
    const topics = [this.topic('inbox-cmd'), ...(Object.hasOwn(this.params.credentials.topics, 'inbox-cmd-v1') ? [this.topic('inbox-cmd-v1')] : [])];
    subscribeInbox(this.client as MqttClient, topics, (error) => {
      if (this.state !== 'subscribing') return;
      if (error) {
        this.fail(error);
        this.terminate();
        return;
      }
      this.state = 'up';
      this.s.clock.clearTimeout(this.connectTimer);
      this.flow.submit(this.topic('agent-connection'), online(this.params, this.s.clock.now(), this.s.capabilities)).then(
        () => this.events.next({ type: 'puback' }),
        (e: unknown) => this.s.logger.warn('UpdateAgentConnection (online) not acknowledged', { error: e instanceof Error ? e.message : String(e) }),
      );
      this.events.next({ type: 'up', mqttVersion: this.params.mqttVersion });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.state === 'closed') return;
    const event = inbound(topic, payload, this.s.logger);
    if (event) this.events.next(event);
  }

  private onPingTimeout(): void {
    if (this.state === 'closed' || this.closedByClient) return;
    this.pingTimedOut = true;
    this.s.logger.warn('no PINGRESP in time: the connection is dead', { endpoint: this.where, timeoutMs: this.s.pingTimeoutMs });
    this.events.next({ type: 'ping-timeout' });
    this.terminate();
  }

  private send(topic: string, payload: Uint8Array, done: (error: unknown) => void): void {
    const client = this.client;
    if (!client || this.state === 'closed') {
      done(new LinkError('SOCKET_CLOSED', 'the session is closed'));
      return;
    }
    client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos: 1, retain: false }, (error) => {
      if (!error) done(null);
      else if (typeof (error as { code?: unknown }).code === 'number') done(pubackRefused(topic, (error as unknown as { code: number }).code));
      else done(new LinkError('SOCKET_CLOSED', `${this.where}: connection lost before PUBACK`));
    });
  }

  publish(topicName: string, payload: Uint8Array): Promise<void> {
    if (this.state !== 'up') return Promise.reject(new LinkError('SOCKET_CLOSED', 'the session is not connected'));
    let topic: string;
    try {
      topic = this.topic(topicName);
    } catch (error) {
      return Promise.reject(error);
    }
    const size = publishPacketSize(topic, payload.byteLength, this.params.mqttVersion);
    if (size > this.limits.maximumPacketSize) {
      return Promise.reject(new LinkError('MESSAGE_TOO_BIG', `a ${size}-byte packet exceeds the broker's Maximum Packet Size of ${this.limits.maximumPacketSize} bytes`));
    }
    // One promise per message: the flow settles it from mqtt.js's PUBACK callback, which also reports `puback`.
    return new Promise((resolve, reject) => {
      this.flow.push(topic, payload, (error) => {
        if (error !== null) {
          reject(error);
          return;
        }
        resolve();
        if (this.state !== 'closed') this.events.next({ type: 'puback' });
      });
    });
  }

  /** QoS 1 publish to a raw topic string (cmd replies go to the request's `callback-topic`). */
  publishRaw(topic: string, payload: Uint8Array): Promise<void> {
    if (this.state !== 'up') return Promise.reject(new LinkError('SOCKET_CLOSED', 'the session is not connected'));
    const size = publishPacketSize(topic, payload.byteLength, this.params.mqttVersion);
    if (size > this.limits.maximumPacketSize) return Promise.reject(new LinkError('MESSAGE_TOO_BIG', `a ${size}-byte packet exceeds the broker's Maximum Packet Size`));
    return this.flow.submit(topic, payload);
  }

  close(options: { readonly graceful: boolean }): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    if (this.closing) {
      if (!options.graceful) this.terminate();
      return this.closing;
    }
    const graceful = options.graceful && this.state === 'up';
    this.closedByClient = true;
    this.state = 'closing';
    if (graceful) {
      this.closing = this.goodbye();
    } else {
      this.closing = this.done;
      this.terminate();
    }
    return this.closing;
  }

  private async goodbye(): Promise<void> {
    const bye = this.flow.submit(this.topic('agent-connection'), offline(this.params, this.s.clock.now())).catch(() => undefined);
    let timer: unknown = null;
    await Promise.race([bye, new Promise<void>((resolve) => { timer = this.s.clock.setTimeout(resolve, this.s.gracefulPubackMs); })]);
    this.s.clock.clearTimeout(timer);
    const ws = this.ws;
    const stream = this.client?.stream;
    if (ws && stream && ws.readyState === ws.OPEN) {
      const closeTimer = this.s.clock.setTimeout(() => this.terminate(), this.s.closeTimeoutMs);
      stream.write(DISCONNECT, () => { if (ws.readyState === ws.OPEN) ws.close(1000); });
      await this.done;
      this.s.clock.clearTimeout(closeTimer);
    } else {
      this.terminate();
      await this.done;
    }
  }

  /** Drop the connection now; `finish` follows when the socket is gone. */
  private terminate(): void {
    if (this.state === 'closed') return;
    if (this.ws) this.ws.terminate();
    else queueMicrotask(() => this.finish());
  }

  private finish(wsCode?: number): void {
    if (this.state === 'closed') return;
    const wasUp = this.connacked;
    this.state = 'closed';
    this.s.clock.clearTimeout(this.connectTimer);
    this.watchdog.stop();
    this.flow.failAll(new LinkError('SOCKET_CLOSED', `${this.where}: connection closed before PUBACK`));
    try {
      this.client?.end(true);
    } catch {
      // already ended
    }
    if (this.s.ownsAgent) this.s.agent.destroy();
    this.events.next({ type: 'closed', ...this.outcome(wasUp, wsCode) });
    this.events.complete();
    this.resolveDone();
  }

  private outcome(wasUp: boolean, wsCode?: number): { code: string; message: string } {
    if (this.closedByClient) return { code: 'CLOSED_BY_CLIENT', message: 'closed by the link' };
    if (this.pingTimedOut) return { code: 'PING_TIMEOUT', message: `${this.where}: no PINGRESP within ${this.s.pingTimeoutMs} ms` };
    if (this.failure) return { code: this.failure.code, message: this.failure.message };
    const how = wsCode === undefined ? '' : ` (WebSocket close code ${wsCode})`;
    return { code: 'SOCKET_CLOSED', message: `${this.where}: the connection was closed ${wasUp ? 'by the broker' : 'before CONNACK'}${how}` };
  }
}
