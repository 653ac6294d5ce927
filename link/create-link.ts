/**
 * The composition root: the one place that wires the statechart to its effects and ports with
 * `.provide()`, and hands the host a small handle.
 */
import { createActor, getInitialSnapshot, waitFor, type Actor } from 'xstate';
import { authRunner } from '../effects/auth.effect.js';
import { MessageDispatcher, type MessageHandler } from '../effects/dispatch.js';
import { envRunner } from '../effects/env.effect.js';
import { LinkError, toLinkError } from '../effects/errors.js';
import { DEFAULT_OUTBOX, Outbox } from '../effects/outbox.js';
import { OutboxPump } from '../effects/outbox-pump.js';
import type { LinkConfig } from '../effects/ports.js';
import { SessionSlot } from '../effects/sessions.js';
import { Tracker } from '../effects/tracker.js';
import { transportCallback } from '../effects/transport.effect.js';
import { CredentialVault } from '../effects/vault.js';
import { DEFAULT_TIMINGS, defaultSettings } from '../machines/defaults.js';
import { linkMachine } from '../machines/link.machine.js';
import { awaitsNodeId } from '../machines/nodes.js';
import type { HostEvent, LinkContext, LinkSettings, NodeEvent } from '../machines/types.js';
import { wireCmdRelay, type CmdWiring } from './cmd-wiring.js';
import { wireNodeAnswers } from './node-answers.js';
import { memoryNodeIdStore } from './node-ids.js';
import { createNodeRegistry, type NodeRegistry } from './node-registry.js';
import { isConfigSource, type LinkOptions } from './options.js';
import { composeInspect, createRecorder } from './record.js';
import { displayProxy, toSettings } from './settings.js';
import { bindEffects, sharedLinkMachine, type LinkEffects } from './shared-machine.js';
import { samePath } from './same-path.js';
import { deriveState, statePath, topState, type LinkState } from './state.js';
import { silentLogger, systemClock, systemRandom } from './system.js';

export const LINK_VERSION = '0.1.0';

export interface LinkHandle {
  /** Load the configuration and start the statechart. */
  start(): Promise<void>;
  /** Disconnect gracefully; resolves when every socket and timer is gone. */
  stop(): Promise<void>;
  /** Re-read the configuration and the claim (SIGHUP). */
  reload(): Promise<void>;
  enable(): void;
  disable(): void;
  /** The node was (re-)claimed: reconnect under the new identity. */
  claimed(claimId: string): void;
  /** QoS 1 publish to a topic name from the password step; resolves on PUBACK. */
  publish(topicName: string, payload: Uint8Array): Promise<void>;
  onMessage(type: string, handler: MessageHandler): () => void;
  getState(): LinkState;
  subscribe(listener: (state: LinkState) => void): () => void;
  /** The node instances this agent reports to the cloud (PROTOCOL.md section 8): its own node, and a parent's children. */
  readonly nodes: NodeRegistry;
  readonly actor: Actor<typeof linkMachine>;
}

export function createLink(options: LinkOptions): LinkHandle {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const agentVersion = options.agentVersion ?? LINK_VERSION;
  const tracker = new Tracker();
  const vault = new CredentialVault();
  const sessions = new SessionSlot();
  const dispatcher = new MessageDispatcher(logger);
  const outbox = new Outbox({ ...DEFAULT_OUTBOX, ...options.outbox });
  const pump = new OutboxPump(outbox, sessions, clock, options.inflightWindow ?? 64);
  const listeners = new Set<(state: LinkState) => void>();
  let proxy = 'none';
  let stopped = false;

  let actor: Actor<typeof sharedLinkMachine> | null = null;
  // Node instances: the host's registry, and the node ids the cloud gave (per claim id).
  const nodeIds = options.nodeIds ?? memoryNodeIdStore();
  const currentClaimId = () => actor?.getSnapshot().context.settings.claimId ?? null;
  const sendNode = (event: NodeEvent) => { if (!stopped && actor) actor.send(event); };
  const nodeRegistry = createNodeRegistry(
    sendNode,
    (guid) => { const claimId = currentClaimId(); return claimId === null ? null : nodeIds.get(claimId, guid) ?? null; },
    () => clock.now(),
  );
  const nodeWire = options.nodeWire;
  if (nodeWire) {
    wireNodeAnswers({
      dispatcher, wire: nodeWire, nodeIds, claimId: currentClaimId,
      awaits: (guid) => nodeRegistry.has(guid) && actor !== null && awaitsNodeId(actor.getSnapshot().context.nodes, guid),
      send: sendNode, tracker, logger, now: () => clock.now(),
    });
  }

  // This link's effects; the machine itself is shared by every link (shared-machine.ts).
  const effects: LinkEffects = {
    env: envRunner({ cloud: options.cloud, clock, agentVersion, tracker }),
    auth: authRunner({ cloud: options.cloud, decryptor: options.decryptor, vault, clock, agentVersion, tracker }),
    transport: transportCallback({
      transport: options.transport, vault, clock, sessions, dispatcher, tracker, logger,
      ...(nodeWire ? { nodeWire, nodeDetails: (guid: string) => nodeRegistry.details(guid) } : {}),
    }),
    machine: () => actor,
  };

  const offSettings = defaultSettings({ enabled: false, timings: { ...DEFAULT_TIMINGS, ...options.timings } });
  const loadConfig = async (): Promise<LinkConfig> => (isConfigSource(options.config) ? options.config.load() : options.config);
  const settingsOf = (config: LinkConfig): LinkSettings => {
    proxy = options.describeProxy ? options.describeProxy(config) : displayProxy(config.proxy);
    return toSettings(config, options.timings);
  };

  const seed = options.seed ?? Math.floor((options.random ?? systemRandom).next() * 0x1_0000_0000);
  const recorder = options.record ? createRecorder(options.record, { clock, linkVersion: LINK_VERSION }) : null;
  const inspect = composeInspect(options.inspect, recorder?.inspect);
  const makeActor = (settings: LinkSettings) => {
    const created = createActor(options.machine ?? sharedLinkMachine, {
      clock,
      input: { settings, seed, now: clock.now() },
      ...(inspect ? { inspect } : {}),
    });
    bindEffects(created.system, effects);
    return created;
  };
  const cmd: CmdWiring | null = options.onCommand
    ? wireCmdRelay({
      handler: options.onCommand, sessions, dispatcher, clock, logger,
      connectedAtMs: () => actor?.getSnapshot().context.stats.lastConnectAt ?? clock.now(),
      ...(options.cmdTimeoutMs !== undefined ? { defaultTimeoutMs: options.cmdTimeoutMs } : {}),
      ...(options.cmdMaxPending !== undefined ? { maxPending: options.cmdMaxPending } : {}),
    })
    : null;

  const counters = () => ({
    received: dispatcher.received,
    sent: pump.stats.sent,
    acked: pump.stats.acked,
    inflight: outbox.inflight,
    outboxSize: outbox.size,
    outboxBytes: outbox.bytes,
    lastLatencyMs: pump.stats.lastLatencyMs,
    totalLatencyMs: pump.stats.totalLatencyMs,
    maxLatencyMs: pump.stats.maxLatencyMs,
    ...(cmd ? { cmd: { pending: cmd.pending, maxPending: cmd.maxPending, busy: cmd.busy } } : {}),
  });
  const getState = (): LinkState => {
    if (!actor) {
      const idle = getInitialSnapshot(linkMachine, { settings: offSettings, seed, now: clock.now() });
      return { ...deriveState('disabled', idle.context, counters(), { version: LINK_VERSION, proxy }), reason: 'the link is not started', reasonCode: 'NOT_STARTED' };
    }
    const snapshot = actor.getSnapshot();
    return deriveState(snapshot.value, snapshot.context, counters(), { version: LINK_VERSION, proxy });
  };

  let lastPath = '';
  let lastValue: unknown = null;
  const observe = (snapshot: { value: unknown; context: LinkContext }) => {
    // Most snapshots keep the state (a PUBACK, a context update): compared without building the path.
    const moved = !samePath(snapshot.value, lastValue);
    lastValue = snapshot.value;
    const path = moved ? statePath(snapshot.value) : lastPath;
    if (path !== lastPath) {
      lastPath = path;
      const top = topState(snapshot.value);
      const { text, code } = snapshot.context.reason;
      if (logger !== silentLogger) logger.info(`link ${path}: ${text}`, { state: path, code }); // no line built for nobody
      if ((top === 'disabled' || top === 'unclaimed') && outbox.size > 0) {
        const failCode = top === 'disabled' ? 'LINK_DISABLED' : 'LINK_UNCLAIMED';
        outbox.failAll(new LinkError(failCode, `the link is ${top}: ${text}`, { at: clock.now() }));
      }
    }
    if (listeners.size === 0) return;
    const state = deriveState(snapshot.value, snapshot.context, counters(), { version: LINK_VERSION, proxy });
    for (const l of [...listeners]) l(state);
  };

  const send = (event: HostEvent) => {
    if (!stopped && actor) actor.send(event);
  };

  /** The configuration as a host event: CONFIG_CHANGED, or CONFIG_INVALID with a coded reason. */
  const configEvent = async (): Promise<HostEvent> => {
    try {
      const config = await loadConfig();
      return { type: 'CONFIG_CHANGED', at: clock.now(), settings: settingsOf(config) };
    } catch (error) {
      const failure = toLinkError(error, 'CONFIG_INVALID', clock.now());
      logger.error(`configuration error: ${failure.message}`, { code: failure.code });
      return { type: 'CONFIG_INVALID', at: clock.now(), failure: failure.toFailure() };
    }
  };

  return {
    get actor() {
      if (!actor) throw new LinkError('LINK_NOT_STARTED', 'call start() first');
      return actor;
    },
    async start() {
      if (actor || stopped) return;
      await nodeIds.load?.();
      const event = await configEvent();
      const started = makeActor(event.type === 'CONFIG_CHANGED' ? event.settings : offSettings);
      actor = started;
      started.subscribe(observe);
      started.start();
      if (event.type === 'CONFIG_INVALID') started.send(event);
      // Nodes the host registered before start, with the node ids kept for the current claim.
      for (const registration of nodeRegistry.registrations()) started.send(registration);
    },
    async stop() {
      if (stopped) return tracker.idle();
      const running = actor;
      if (running) {
        running.send({ type: 'STOP', at: clock.now() });
        await waitFor(running, (s) => s.value === 'disabled');
        running.stop();
      }
      recorder?.close();
      stopped = true;
      cmd?.close();
      pump.close();
      outbox.failAll(new LinkError('LINK_STOPPED', 'the link was stopped before the message was acknowledged', { at: clock.now() }));
      vault.clear();
      options.cloud.closeIdle();
      await tracker.idle();
    },
    reload: async () => send(await configEvent()),
    enable: () => send({ type: 'ENABLE', at: clock.now() }),
    disable: () => send({ type: 'DISABLE', at: clock.now() }),
    claimed: (claimId) => send({ type: 'CLAIMED', at: clock.now(), claimId }),
    publish(topicName, payload) {
      if (stopped) return Promise.reject(new LinkError('LINK_STOPPED', 'the link is stopped', { at: clock.now() }));
      const top = actor ? topState(actor.getSnapshot().value) : 'disabled';
      if (top === 'disabled' || top === 'unclaimed') {
        const code = top === 'disabled' ? 'LINK_DISABLED' : 'LINK_UNCLAIMED';
        return Promise.reject(new LinkError(code, `the link is ${top}: nothing is sent`, { at: clock.now() }));
      }
      const accepted = outbox.offer(topicName, payload, clock.now());
      pump.pump();
      return accepted;
    },
    onMessage: (type, handler) => dispatcher.on(type, handler),
    nodes: nodeRegistry.registry,
    getState,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
