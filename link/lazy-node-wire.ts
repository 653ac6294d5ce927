/**
 * The protobuf NodeWire, loaded when the network is: `createCloudLink` needs a NodeWire at once, but
 * the protobuf runtime and the generated schemas are not needed before the first MQTT session, and
 * loading them cost more than the rest of the link at import (issue 15). LazyNetworkPorts calls
 * `load()` with the network modules, on the first env request of an attempt; node messages are only
 * encoded or decoded on a session, which comes after that.
 */
import { LinkError } from '../effects/errors.js';
import type { NodeWire } from '../effects/ports.js';

export class LazyNodeWire implements NodeWire {
  private wire: NodeWire | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly make: () => Promise<NodeWire>) {}

  /** Loads the wire once (again after a failed load). */
  load(): Promise<void> {
    this.loading ??= this.make().then(
      (wire) => { this.wire = wire; },
      (error: unknown) => { this.loading = null; throw error; },
    );
    return this.loading;
  }

  private loaded(): NodeWire {
    if (this.wire === null) throw new LinkError('TRANSPORT_NOT_READY', 'node-instance messages before the network modules were loaded');
    return this.wire;
  }

  encode(...args: Parameters<NodeWire['encode']>): ReturnType<NodeWire['encode']> {
    return this.loaded().encode(...args);
  }

  decodeCreated(payload: Uint8Array): ReturnType<NodeWire['decodeCreated']> {
    return this.loaded().decodeCreated(payload);
  }
}
