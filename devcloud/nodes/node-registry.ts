/**
 * The cloud's side of node instances (PROTOCOL.md section 8): a CreateNodeInstance is answered on the
 * node's inbound topic with `CreateNodeInstanceResult` (the message type the agent dispatches on,
 * aclk_rx_msgs.c) carrying one stable node id per (claim id, machine GUID), kept in state.json;
 * liveness comes from UpdateNodeInstanceConnection, and a node whose agent went away (its Last Will,
 * or UpdateAgentConnection reachable=false, of the agent's current session) is offline. The latest
 * UpdateNodeInfo and UpdateNodeCollectors of each node are kept in memory.
 */
import { encodeCreateNodeInstanceResult, encodeSendNodeInstances } from '../../adapters/messages/index.js';
import type { Clock, Logger } from '../../effects/ports.js';
import type { DecodedAgentMessage } from '../broker/agent-message.js';
import type { DevCloudBroker } from '../broker/types.js';
import type { StateStore } from '../state-store.js';
import { nodeViews, type AgentStatus, type NodeRuntime, type NodeView } from './node-view.js';

type Decoded<N extends DecodedAgentMessage['name']> = Extract<DecodedAgentMessage, { name: N }>['value'];

export class NodeRegistry {
  private readonly agents = new Map<string, AgentStatus>();
  private readonly runtime = new Map<string, NodeRuntime>();
  /** Settles when every CreateNodeInstanceResult started so far was published (tests, close). */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly broker: DevCloudBroker,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Acts on a decoded message a node published (`claimId`: its authenticated session's). */
  handle(claimId: string, message: DecodedAgentMessage): void {
    switch (message.name) {
      case 'agent-connection': return this.onAgentConnection(claimId, message.value);
      case 'create-node-instance': return this.onCreate(claimId, message.value);
      case 'node-instance-connection': return this.onConnection(claimId, message.value);
      case 'node-instance-info': return this.update(claimId, message.value.nodeId, { info: message.value, infoAtMs: this.clock.now() });
      case 'node-instance-collectors': return this.update(claimId, message.value.nodeId, { collectors: message.value, collectorsAtMs: this.clock.now() });
      default: return undefined;
    }
  }

  /** Every node instance, and each claimed agent that has none yet (node id null). */
  list(): NodeView[] {
    return nodeViews({ claimed: this.store.nodes(), instances: this.store.nodeInstances(), agents: this.agents, runtime: this.runtime, connected: new Set(this.broker.connectedNodes()) });
  }

  /** Asks a node's agent to send every node instance again (`SendNodeInstances`, aclk_rx_msgs.c). */
  async sendNodeInstances(claimId: string): Promise<{ topicType: string; size: number }> {
    const payload = encodeSendNodeInstances({ claimId });
    await this.broker.publishToNode(claimId, 'SendNodeInstances', payload);
    return { topicType: 'SendNodeInstances', size: payload.length };
  }

  /** Resolves when the results of every CreateNodeInstance received so far were sent (or failed). */
  settled(): Promise<void> {
    return this.pending;
  }

  private onAgentConnection(claimId: string, m: Decoded<'agent-connection'>): void {
    const session = String(m.sessionId);
    const known = this.agents.get(claimId);
    if (m.reachable) {
      this.agents.set(claimId, { reachable: true, sessionId: session, source: m.updateSource, atMs: this.clock.now() });
      return;
    }
    // A Last Will (or goodbye) of an older session must not take down the current one.
    if (known !== undefined && known.reachable && known.sessionId !== session) {
      this.logger.info('dev cloud: reachable=false of an older session ignored', { claimId });
      return;
    }
    this.agents.set(claimId, { reachable: false, sessionId: session, source: m.updateSource, atMs: this.clock.now() });
  }

  private onCreate(claimId: string, m: Decoded<'create-node-instance'>): void {
    const now = this.clock.now();
    const work = this.store.ensureNodeInstance(claimId, m.machineGuid, { hostname: m.hostname, now }).then(async (instance) => {
      const entry = this.runtime.get(instance.nodeId) ?? { claimId };
      this.runtime.set(instance.nodeId, { ...entry, hostname: m.hostname, hops: m.hops });
      await this.broker.publishToNode(claimId, 'CreateNodeInstanceResult', encodeCreateNodeInstanceResult({ nodeId: instance.nodeId, machineGuid: m.machineGuid }));
      this.logger.info('dev cloud: node instance', { claimId, machineGuid: m.machineGuid, nodeId: instance.nodeId });
    }).catch((error: unknown) => this.logger.warn('dev cloud: CreateNodeInstanceResult not sent', { claimId, error: String(error) }));
    this.pending = Promise.all([this.pending, work]).then(() => undefined);
  }

  private onConnection(claimId: string, m: Decoded<'node-instance-connection'>): void {
    this.update(claimId, m.nodeId, {
      liveness: m.liveness, queryable: m.queryable, hops: m.hops, sessionId: String(m.sessionId),
      connectionAtMs: m.updatedAtMs !== 0 ? m.updatedAtMs : this.clock.now(),
    });
  }

  /** Updates a node this agent owns; a node id it never got from this cloud is logged and ignored. */
  private update(claimId: string, nodeId: string, patch: Partial<NodeRuntime>): void {
    const owned = this.store.nodeInstances().some((i) => i.nodeId === nodeId && i.claimId === claimId);
    if (!owned) {
      this.logger.info('dev cloud: update for a node id this agent was not given', { claimId, nodeId });
      return;
    }
    this.runtime.set(nodeId, { ...(this.runtime.get(nodeId) ?? { claimId }), ...patch });
  }
}
