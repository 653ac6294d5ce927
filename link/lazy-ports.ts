/**
 * The real CloudApi and Transport as lazy ports. `createLink` needs its ports synchronously, but the
 * network modules (mqtt, ws, the proxy agents, our HTTPS client) must not load before the link has
 * something to connect to. So these wrappers load the real adapters with `await import()` on the
 * first env request of an attempt, and rebuild them whenever the resolved network settings change.
 *
 * Every attempt starts with env, so `connect()` always finds the adapters built; should it not, it
 * returns a session that closes at once with `TRANSPORT_NOT_READY` (the statechart backs off).
 */
import type * as https from 'node:https';
import type { CloudApi, Clock, Logger, Transport, TransportSession } from '../effects/ports.js';
import { envCapabilities } from './capabilities.js';
import type { NetworkSettings } from './network.js';
import type { NodeCapabilities } from './node-wire.js';

/** Timeouts of the real adapters (their defaults follow PROTOCOL.md). */
export interface NetworkTuning {
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly mqttConnectTimeoutMs?: number;
  readonly pingIntervalMs?: number;
  readonly pingTimeoutMs?: number;
  readonly gracefulPubackMs?: number;
  readonly closeTimeoutMs?: number;
  readonly tunnelTimeoutMs?: number;
  /** `User-Agent` of every HTTPS request and of the WebSocket upgrade (set by createCloudLink). */
  readonly userAgent?: string;
  /** What the agent and its nodes announce (set by createCloudLink; link/capabilities.ts). */
  readonly capabilities?: NodeCapabilities;
}

interface Built {
  readonly key: string;
  readonly cloud: CloudApi;
  readonly transport: Transport;
}

const keyOf = (n: NetworkSettings): string => JSON.stringify([n.cloudUrl, n.proxy, n.insecure, n.ca ?? null]);

async function build(network: NetworkSettings, clock: Clock, logger: Logger, tuning: NetworkTuning, withNetwork: () => Promise<void>): Promise<Built> {
  const [{ createCloudApi }, { createMqttTransport }, { createTunnelAgent }] = await Promise.all([
    import('../adapters/cloud-api/cloud-api.js'),
    import('../adapters/mqtt/transport.js'),
    import('../adapters/proxy/agent.js'),
    withNetwork(),
  ]);
  const tls = { insecure: network.insecure, ...(network.ca !== undefined ? { ca: network.ca } : {}) };
  const tunnel = tuning.tunnelTimeoutMs !== undefined ? { timeoutMs: tuning.tunnelTimeoutMs } : {};
  const cloud = createCloudApi({
    tls, logger,
    // The tunnel agents are http.Agents that https.request accepts (see adapters/proxy/agent.ts).
    createAgent: (agentTls) => createTunnelAgent(network.proxy, agentTls, tunnel) as https.Agent,
    ...(tuning.connectTimeoutMs !== undefined ? { connectTimeoutMs: tuning.connectTimeoutMs } : {}),
    ...(tuning.requestTimeoutMs !== undefined ? { requestTimeoutMs: tuning.requestTimeoutMs } : {}),
    ...(tuning.userAgent !== undefined ? { userAgent: tuning.userAgent } : {}),
    ...(tuning.capabilities !== undefined ? { capabilities: envCapabilities(tuning.capabilities) } : {}),
  });
  const transport = createMqttTransport({
    tls, clock, logger, proxy: network.proxy,
    ...(tuning.mqttConnectTimeoutMs !== undefined ? { connectTimeoutMs: tuning.mqttConnectTimeoutMs } : {}),
    ...(tuning.pingIntervalMs !== undefined ? { pingIntervalMs: tuning.pingIntervalMs } : {}),
    ...(tuning.pingTimeoutMs !== undefined ? { pingTimeoutMs: tuning.pingTimeoutMs } : {}),
    ...(tuning.gracefulPubackMs !== undefined ? { gracefulPubackMs: tuning.gracefulPubackMs } : {}),
    ...(tuning.closeTimeoutMs !== undefined ? { closeTimeoutMs: tuning.closeTimeoutMs } : {}),
    ...(tuning.userAgent !== undefined ? { userAgent: tuning.userAgent } : {}),
    ...(tuning.capabilities !== undefined ? { capabilities: tuning.capabilities.agent } : {}),
  });
  return { key: keyOf(network), cloud, transport };
}

function notReadySession(): TransportSession {
  return {
    // A plain subscribable: rxjs is loaded with the network modules, not before (issue 15).
    events: {
      subscribe(observer) {
        let live = true;
        queueMicrotask(() => {
          if (!live) return;
          observer.next?.({ type: 'closed', code: 'TRANSPORT_NOT_READY', message: 'the transport was used before the env step' });
          observer.complete?.();
        });
        return { unsubscribe: () => { live = false; } };
      },
    },
    publish: () => Promise.reject(new Error('not connected')),
    close: () => Promise.resolve(),
  };
}

export class LazyNetworkPorts {
  private network: NetworkSettings | null = null;
  private built: Built | null = null;
  private building: Promise<Built> | null = null;

  /** `withNetwork` loads what else only a connecting link needs (createCloudLink: the protobuf node wire). */
  constructor(
    private readonly clock: Clock, private readonly logger: Logger, private readonly tuning: NetworkTuning = {},
    private readonly withNetwork: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** The latest resolved settings; adapters are rebuilt on the next attempt if they changed. */
  update(network: NetworkSettings | null): void {
    this.network = network;
  }

  /** Whether the real adapters have been loaded. */
  get loaded(): boolean {
    return this.built !== null;
  }

  private async current(): Promise<Built> {
    const network = this.network;
    if (network === null) throw new Error('the cloud is disabled in the configuration: nothing to connect to');
    const key = keyOf(network);
    if (this.built?.key === key) return this.built;
    if (this.building === null) {
      this.building = build(network, this.clock, this.logger, this.tuning, this.withNetwork).finally(() => { this.building = null; });
    }
    const fresh = await this.building;
    if (this.built !== fresh) {
      this.built?.cloud.closeIdle();
      this.built = fresh;
    }
    return fresh;
  }

  readonly cloud: CloudApi = {
    env: async (request) => (await this.current()).cloud.env(request),
    challenge: async (request) => (await this.current()).cloud.challenge(request),
    password: async (request) => (await this.current()).cloud.password(request),
    closeIdle: () => this.built?.cloud.closeIdle(),
  };

  readonly transport: Transport = {
    connect: (params) => (this.built ? this.built.transport.connect(params) : notReadySession()),
  };
}
