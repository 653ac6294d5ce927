/**
 * Node instances in the simulated world: a JSON NodeWire (the real link uses protobuf, link/node-wire.ts)
 * and the cloud's side, which answers CreateNodeInstance with one stable node id per claim id and
 * machine GUID (like the development cloud), after a latency, unless told not to.
 */
import { LinkError } from '../../effects/errors.js';
import type { NodeWire } from '../../effects/ports.js';
import type { NodeMessage } from '../../machines/nodes.js';
import type { Delivered, SimBroker } from './sim-broker.js';

export const NODE_TOPICS: Readonly<Record<NodeMessage['kind'], string>> = {
  create: 'create-node-instance',
  connection: 'node-instance-connection',
  info: 'node-instance-info',
};

/** What a node-instance message carries in the simulation. */
export interface SimNodePayload {
  readonly kind: NodeMessage['kind'];
  readonly claimId: string;
  readonly sessionId: number;
  readonly machineGuid: string;
  readonly nodeId?: string;
  readonly live?: boolean;
  readonly hops?: number;
  readonly hostname?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const simNodeWire: NodeWire = {
  encode(message, session, details) {
    const payload: SimNodePayload = { ...message, claimId: session.claimId, sessionId: session.sessionId, ...(details ? { hostname: details.hostname } : {}) };
    return [{ topicName: NODE_TOPICS[message.kind], payload: encoder.encode(JSON.stringify(payload)) }];
  },
  decodeCreated(payload) {
    try {
      const value = JSON.parse(decoder.decode(payload)) as { machineGuid?: unknown; nodeId?: unknown };
      if (typeof value.machineGuid === 'string' && typeof value.nodeId === 'string') return { machineGuid: value.machineGuid, nodeId: value.nodeId };
    } catch {
      // fall through
    }
    throw new LinkError('MSG_BAD_PROTOBUF', 'not a CreateNodeInstanceResult');
  },
};

const NODE_TOPIC_NAMES: ReadonlySet<string> = new Set(Object.values(NODE_TOPICS));

export function parseSimNodePayload(d: Delivered): SimNodePayload | null {
  if (!NODE_TOPIC_NAMES.has(d.topicName)) return null;
  return JSON.parse(decoder.decode(d.payload)) as SimNodePayload;
}

/** The cloud's node-instance service: node ids per (claim id, machine GUID). */
export class SimNodeCloud {
  /** Whether CreateNodeInstance is answered. */
  answers = true;
  latencyMs = 20;
  readonly ids = new Map<string, string>();
  /** `<claim id> <machine GUID>` whose node id reached the link. */
  readonly received = new Set<string>();
  /** Told of every CreateNodeInstanceResult as it reaches the link. */
  onReceived: ((claimId: string, machineGuid: string) => void) | null = null;
  private counter = 0;

  constructor(private readonly broker: SimBroker) {}

  nodeIdOf(claimId: string, machineGuid: string): string {
    const key = `${claimId} ${machineGuid}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      this.counter += 1;
      id = `99999999-0000-4000-8000-${String(this.counter).padStart(12, '0')}`;
      this.ids.set(key, id);
    }
    return id;
  }

  /** Called for every delivered message. */
  onDelivered(d: Delivered): void {
    const p = parseSimNodePayload(d);
    if (!p || p.kind !== 'create' || !this.answers) return;
    const answer = { machineGuid: p.machineGuid, nodeId: this.nodeIdOf(p.claimId, p.machineGuid) };
    const key = `${p.claimId} ${p.machineGuid}`;
    this.broker.clock.setTimeout(() => this.broker.deliverTo(d.session, 'CreateNodeInstanceResult',
      encoder.encode(JSON.stringify(answer)), () => {
        this.received.add(key);
        this.onReceived?.(p.claimId, p.machineGuid);
      }), this.latencyMs);
  }

  /** The cloud asks every connected agent to report its nodes again. */
  sendNodeInstances(): void {
    this.broker.deliver('SendNodeInstances', new Uint8Array(0));
  }
}
