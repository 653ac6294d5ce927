/**
 * The real composition root: `createCloudLink` builds a link from netdata's files (netdata.conf,
 * cloud.d, claim.conf) and the environment, over the real adapters.
 *
 * Decision (module loading): the ports createLink needs synchronously are *lazy* (lazy-ports.ts): the
 * network modules (mqtt, ws, the proxy agents, the HTTPS client) are loaded with `await import()` on
 * the first env request, i.e. only when the link really connects. An unclaimed or disabled link never
 * loads them; `disableCloud` returns an inert link that does not even read the configuration. The
 * proxy for the cloud URL, the TLS mode and the CA are resolved each time the configuration is
 * (re)loaded; a bad proxy or an unreadable CA file is a configuration error (CONFIG_*).
 */
import type { CmdHandler } from '../adapters/mqtt/cmd-relay.js';
import { redactProxy } from '../adapters/proxy/redact.js';
import type { LinkError } from '../effects/errors.js';
import { userAgentFor } from '../adapters/identity/user-agent.js';
import { fileNodeIdStore } from '../adapters/identity/node-ids-file.js';
import type { CapabilityInfo } from '../adapters/messages/index.js';
import { linkCapabilities } from './capabilities.js';
import { createLink, LINK_VERSION, type LinkHandle } from './create-link.js';
import { createInertLink } from './inert-link.js';
import { LazyNetworkPorts, type NetworkTuning } from './lazy-ports.js';
import { LazyNodeWire } from './lazy-node-wire.js';
import { ResolvingConfigSource, type Environment } from './network.js';
import type { LinkOptions } from './options.js';
import type { LinkState } from './state.js';
import { silentLogger, systemClock } from './system.js';

export interface CloudLinkOptions extends Pick<LinkOptions, 'logger' | 'clock' | 'timings' | 'outbox' | 'inflightWindow' | 'inspect' | 'agentVersion' | 'cmdTimeoutMs' | 'cmdMaxPending' | 'record'> {
  /** The cloud.d directory (cloud.conf, claimed_id, private.pem). */
  readonly cloudDir: string;
  readonly netdataConf?: string;
  readonly claimConf?: string;
  /** Proxy variables and NETDATA_CLAIM_*. Default: process.env. */
  readonly env?: Environment;
  /** A CA certificate file (PEM) trusted besides the system roots; overrides netdata.conf's. */
  readonly ca?: string;
  /** The build has no cloud: an inert link that loads no network module. */
  readonly disableCloud?: boolean;
  readonly onCommand?: CmdHandler;
  /** Timeouts of the real adapters. */
  readonly network?: NetworkTuning;
  /** Auto-claim tries and pause between them (default 5 tries, 2 s apart). */
  readonly claimRetries?: { readonly retries?: number; readonly pauseMs?: number };
  /** The node's machine GUID (sent as `mGUID` when claiming); when absent it is read from `machineGuidFile`. */
  readonly machineGuid?: string;
  /**
   * The machine GUID file, read or created when absent (adapters/identity/machine-guid.ts). Default
   * `<cloudDir>/../registry/netdata.public.unique.id`, netdata's layout.
   */
  readonly machineGuidFile?: string;
  /**
   * What the host implements beyond the link (netdata's aclk_capas.c names: `http_api_v2` when the cmd
   * handler serves netdata's API v2, `ctx`, `funcs`...), announced to the cloud with the link's own
   * (`proto`, `req_cancel` with a cmd handler; link/capabilities.ts).
   */
  readonly capabilities?: readonly CapabilityInfo[];
}

export function createCloudLink(options: CloudLinkOptions): LinkHandle {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const common = {
    clock, logger,
    ...(options.agentVersion !== undefined ? { agentVersion: options.agentVersion } : {}),
    ...(options.timings !== undefined ? { timings: options.timings } : {}),
    ...(options.inspect !== undefined ? { inspect: options.inspect } : {}),
    ...(options.record !== undefined ? { record: options.record } : {}),
  };
  if (options.disableCloud) return createInertLink(common);

  const env = options.env ?? process.env;
  // Every HTTPS request and the WebSocket upgrade name the agent and this library (identity/user-agent.ts).
  const userAgent = userAgentFor(options.agentVersion ?? LINK_VERSION, LINK_VERSION);
  const capabilities = linkCapabilities({ cmd: options.onCommand !== undefined, ...(options.capabilities ? { host: options.capabilities } : {}) });
  // Node instances as protobuf, loaded with the network modules (lazy-node-wire.ts).
  const nodeWire = new LazyNodeWire(async () => (await import('./node-wire.js')).protobufNodeWire(options.agentVersion ?? LINK_VERSION, capabilities));
  const ports = new LazyNetworkPorts(clock, logger, { ...options.network, userAgent, capabilities }, () => nodeWire.load());
  const paths = {
    cloudDir: options.cloudDir,
    ...(options.netdataConf !== undefined ? { netdataConf: options.netdataConf } : {}),
    ...(options.claimConf !== undefined ? { claimConf: options.claimConf } : {}),
  };
  // The file readers, the key and auto-claim are loaded on first use (start), not with the package (issue 15).
  const files = { load: async () => (await import('../adapters/config/load.js')).fileConfigSource(paths, env).load() };
  const source = new ResolvingConfigSource(files, env, options.ca, (r) => ports.update(r.network));
  const inner = createLink({
    ...common,
    config: source,
    cloud: ports.cloud,
    transport: ports.transport,
    decryptor: { decrypt: async (challenge) => (await import('../adapters/identity/challenge-decryptor.js')).fileChallengeDecryptor(options.cloudDir).decrypt(challenge) },
    // Node ids kept next to the claim (<cloud.d>/node-instances.json).
    nodeWire,
    nodeIds: fileNodeIdStore(options.cloudDir, logger),
    ...(options.outbox !== undefined ? { outbox: options.outbox } : {}),
    ...(options.inflightWindow !== undefined ? { inflightWindow: options.inflightWindow } : {}),
    ...(options.onCommand !== undefined ? { onCommand: options.onCommand } : {}),
    ...(options.cmdTimeoutMs !== undefined ? { cmdTimeoutMs: options.cmdTimeoutMs } : {}),
    ...(options.cmdMaxPending !== undefined ? { cmdMaxPending: options.cmdMaxPending } : {}),
    // The proxy actually used for the cloud URL (env and no_proxy resolved), never its credentials.
    describeProxy: (config) => {
      const network = source.latest?.config === config ? source.latest.network : null;
      return network ? redactProxy(network.proxy) : 'none';
    },
  });

  /** The last auto-claim failure; shown as the reason while the link stays unclaimed. */
  let claimError: LinkError | null = null;
  const explain = (state: LinkState): LinkState =>
    claimError !== null && state.top === 'unclaimed'
      ? { ...state, reason: `auto-claim failed: ${claimError.message}`, reasonCode: claimError.code }
      : state;

  const claimIfWanted = async (): Promise<void> => {
    const latest = source.latest;
    // The cheap test first (auto-claim.ts's wantsAutoClaim): the module is loaded only to claim.
    if (latest === null || !latest.config.enabled || latest.config.claimId !== null || latest.config.autoClaim === null) return;
    const { autoClaim, wantsAutoClaim } = await import('./auto-claim.js');
    if (!wantsAutoClaim(latest.config)) return;
    const result = await autoClaim({
      config: latest.config, cloudDir: options.cloudDir, env, logger, now: () => clock.now(), userAgent,
      ...(options.machineGuid !== undefined ? { machineGuid: options.machineGuid } : {}),
      ...(options.machineGuidFile !== undefined ? { machineGuidFile: options.machineGuidFile } : {}),
      ...(latest.network?.ca !== undefined ? { ca: latest.network.ca } : {}),
      ...options.claimRetries,
    });
    claimError = result.ok ? null : result.error;
    if (result.ok) await inner.reload();
  };

  return {
    get actor() {
      return inner.actor;
    },
    async start() {
      await inner.start();
      await claimIfWanted();
    },
    stop: () => inner.stop(),
    async reload() {
      await inner.reload();
      if (source.latest?.config.claimId != null) claimError = null;
    },
    enable: () => inner.enable(),
    disable: () => inner.disable(),
    claimed(claimId) {
      claimError = null;
      inner.claimed(claimId);
    },
    publish: (topicName, payload) => inner.publish(topicName, payload),
    onMessage: (type, handler) => inner.onMessage(type, handler),
    nodes: inner.nodes,
    getState: () => explain(inner.getState()),
    subscribe: (listener) => inner.subscribe((state) => listener(explain(state))),
  };
}
