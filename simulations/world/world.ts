/**
 * A whole simulated world around one real link: simulated clock, seeded randomness, scriptable
 * cloud and broker, an editable configuration, and `createLink` wiring the real statechart and
 * effects to them.
 */
import type { InspectionEvent } from 'xstate';
import type { CloudApi, LinkConfig, Logger, NodeIdStore, Transport } from '../../effects/ports.js';
import type { OutboxOptions } from '../../effects/outbox.js';
import { createLink, type LinkHandle } from '../../link/create-link.js';
import type { RecordSink } from '../../link/record.js';
import type { sharedLinkMachine } from '../../link/shared-machine.js';
import type { Timings } from '../../machines/types.js';
import { seededRandom } from './seeded-random.js';
import { SimBroker } from './sim-broker.js';
import { SimClock } from './sim-clock.js';
import { SimCloud, simDecryptor } from './sim-cloud.js';
import { SimConfigSource, simConfig } from './sim-config.js';
import { SimNodeCloud, simNodeWire } from './sim-nodes.js';

export interface WorldOptions {
  readonly seed?: number;
  readonly config?: Partial<LinkConfig>;
  readonly timings?: Partial<Timings>;
  readonly outbox?: Partial<OutboxOptions>;
  readonly logger?: Logger;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Passed to createLink: a JSONL recording of the run. */
  readonly record?: RecordSink;
  /** Wrap the simulated cloud (e.g. to let fc.scheduler order its answers). */
  readonly wrapCloud?: (cloud: SimCloud) => CloudApi;
  readonly wrapTransport?: (broker: SimBroker) => Transport;
  /** A machine built with `sharedLinkMachine.provide()` (planted bugs: simulations/oracle-catches.spec.ts). */
  readonly machine?: typeof sharedLinkMachine;
  /** Where the link keeps node ids (default: in memory). */
  readonly nodeIds?: NodeIdStore;
  /**
   * Keep the cloud's `calls` and `answered` and the broker's `delivered` (default: true). The
   * benchmarks turn it off: nobody reads them there.
   */
  readonly log?: boolean;
}

export interface SimWorld {
  readonly clock: SimClock;
  readonly cloud: SimCloud;
  readonly broker: SimBroker;
  readonly config: SimConfigSource;
  readonly link: LinkHandle;
  readonly seed: number;
  /** The cloud's node-instance service (answers CreateNodeInstance). */
  readonly nodes: SimNodeCloud;
}

export function createWorld(options: WorldOptions = {}): SimWorld {
  const seed = options.seed ?? 1;
  const clock = new SimClock();
  const log = options.log ?? true;
  const cloud = new SimCloud(clock, log);
  const broker = new SimBroker(clock, log);
  const config = new SimConfigSource(simConfig(options.config));
  const nodes = new SimNodeCloud(broker);
  broker.onDelivered = (d) => nodes.onDelivered(d);
  const link = createLink({
    nodeWire: simNodeWire,
    config,
    cloud: options.wrapCloud ? options.wrapCloud(cloud) : cloud,
    decryptor: simDecryptor,
    transport: options.wrapTransport ? options.wrapTransport(broker) : broker,
    clock,
    random: seededRandom(seed),
    seed,
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
    ...(options.record ? { record: options.record } : {}),
    ...(options.machine ? { machine: options.machine } : {}),
    ...(options.nodeIds ? { nodeIds: options.nodeIds } : {}),
  });
  return { clock, cloud, broker, config, link, seed, nodes };
}
