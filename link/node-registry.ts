/**
 * The host's side of node instances (PROTOCOL.md section 8): `link.nodes.register(...)` and the handle it
 * returns. The registry keeps what the cloud is told about each node (hostname, info, collectors) and
 * turns the host's calls into the statechart's node events; the statechart decides what is sent when.
 *
 * Decisions: a node is known by its machine GUID (a UUID, lower-cased); registering a GUID again
 * updates that node and returns its handle; at most MAX_NODES nodes; strings are bounded
 * (MAX_TEXT characters, control characters refused) since they go to the cloud.
 */
import { isUuid } from '../adapters/messages/uuid.js';
import { LinkError } from '../effects/errors.js';
import type { NodeCollector, NodeDetails, NodeInfo } from '../effects/ports.js';
import type { NodeEvent } from '../machines/types.js';

export const MAX_NODES = 10_000;
const MAX_TEXT = 1_024;
const MAX_COLLECTORS = 4_096;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface NodeSpec {
  /** The node's machine GUID (netdata's registry/netdata.public.unique.id). */
  readonly machineGuid: string;
  readonly hostname: string;
  /** 0 for the agent's own node; >= 1 for a node streaming to this agent (a parent's children). Default 0. */
  readonly hops?: number;
  /** Whether its data is being collected (or streamed here) now. Default true. */
  readonly live?: boolean;
  readonly info?: NodeInfo;
  readonly collectors?: readonly NodeCollector[];
}

export interface NodeUpdate {
  readonly hostname?: string;
  readonly hops?: number;
  readonly info?: NodeInfo;
  readonly collectors?: readonly NodeCollector[];
}

export interface NodeHandle {
  readonly machineGuid: string;
  /** New hostname, hops, info or collectors: sent again to the cloud (UpdateNodeInfo). */
  update(changes: NodeUpdate): void;
  /** The node's data stopped (or resumed) arriving: reported as liveness false (true). */
  setLive(live: boolean): void;
  /** Forget the node; the cloud is told it is not live any more. */
  remove(): void;
}

export interface NodeRegistry {
  register(spec: NodeSpec): NodeHandle;
  /** The host's view of the registered nodes (the link's view, with node ids, is in `getState().nodes`). */
  list(): readonly (NodeDetails & { readonly machineGuid: string; readonly hops: number; readonly live: boolean })[];
}

interface Entry {
  hostname: string;
  hops: number;
  live: boolean;
  info: NodeInfo;
  collectors: readonly NodeCollector[] | undefined;
}

const invalid = (message: string) => new LinkError('NODE_INVALID', message);

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || CONTROL.test(value)) {
    throw invalid(`${what} must be 1 to ${MAX_TEXT} characters without control characters`);
  }
  return value;
}

function hopsOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) throw invalid('hops must be a whole number from 0 to 255');
  return value;
}

function checkedInfo(info: NodeInfo | undefined): NodeInfo {
  if (info === undefined) return {};
  for (const [key, value] of Object.entries(info)) {
    if (typeof value === 'string') text(value, `info.${key}`);
    else if (Array.isArray(value)) value.forEach((v, i) => text(v, `info.${key}[${i}]`));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) { text(k, `info.${key} name`); text(v, `info.${key}.${k}`); }
    else if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) throw invalid(`info.${key} must be a finite number >= 0`);
  }
  return info;
}

function checkedCollectors(collectors: readonly NodeCollector[] | undefined): readonly NodeCollector[] | undefined {
  if (collectors === undefined) return undefined;
  if (collectors.length > MAX_COLLECTORS) throw invalid(`at most ${MAX_COLLECTORS} collectors`);
  return collectors.map((c, i) => ({ plugin: text(c.plugin, `collectors[${i}].plugin`), module: text(c.module, `collectors[${i}].module`) }));
}

/**
 * `emit` gets the node events; `nodeIdOf` gives a node id the store kept for the current claim.
 * Events emitted before the link starts are replayed by `replay()` (createLink calls it at start).
 */
export function createNodeRegistry(emit: (event: NodeEvent) => void, nodeIdOf: (machineGuid: string) => string | null, now: () => number) {
  const nodes = new Map<string, Entry>();
  const registration = (guid: string, e: Entry): NodeEvent => ({
    type: 'NODE_REGISTERED', at: now(), node: { machineGuid: guid, hostname: e.hostname, hops: e.hops, live: e.live, nodeId: nodeIdOf(guid) },
  });

  const handle = (guid: string): NodeHandle => ({
    machineGuid: guid,
    update(changes) {
      const e = nodes.get(guid);
      if (!e) throw new LinkError('NODE_UNKNOWN', `node ${guid} is not registered`);
      const hostname = changes.hostname === undefined ? undefined : text(changes.hostname, 'hostname');
      const hops = changes.hops === undefined ? undefined : hopsOf(changes.hops);
      if (changes.info !== undefined) e.info = checkedInfo(changes.info);
      if (changes.collectors !== undefined) e.collectors = checkedCollectors(changes.collectors);
      if (hostname !== undefined) e.hostname = hostname;
      if (hops !== undefined) e.hops = hops;
      emit({ type: 'NODE_CHANGED', at: now(), change: { machineGuid: guid, ...(hostname !== undefined ? { hostname } : {}), ...(hops !== undefined ? { hops } : {}), infoChanged: true } });
    },
    setLive(live) {
      const e = nodes.get(guid);
      if (!e) throw new LinkError('NODE_UNKNOWN', `node ${guid} is not registered`);
      e.live = live === true;
      emit({ type: 'NODE_CHANGED', at: now(), change: { machineGuid: guid, live: e.live } });
    },
    remove() {
      if (!nodes.delete(guid)) return;
      emit({ type: 'NODE_REMOVED', at: now(), machineGuid: guid });
    },
  });

  const registry: NodeRegistry = {
    register(spec) {
      const guid = typeof spec.machineGuid === 'string' ? spec.machineGuid.toLowerCase() : '';
      if (!isUuid(guid)) throw invalid('machineGuid must be a UUID like 01234567-89ab-cdef-0123-456789abcdef');
      if (!nodes.has(guid) && nodes.size >= MAX_NODES) throw new LinkError('NODE_LIMIT', `at most ${MAX_NODES} nodes`);
      const entry: Entry = {
        hostname: text(spec.hostname, 'hostname'), hops: hopsOf(spec.hops), live: spec.live !== false,
        info: checkedInfo(spec.info), collectors: checkedCollectors(spec.collectors),
      };
      nodes.set(guid, entry);
      emit(registration(guid, entry));
      return handle(guid);
    },
    list: () => [...nodes].map(([machineGuid, e]) => ({
      machineGuid, hostname: e.hostname, hops: e.hops, live: e.live, info: e.info, ...(e.collectors ? { collectors: e.collectors } : {}),
    })),
  };

  return {
    registry,
    details(guid: string): NodeDetails | undefined {
      const e = nodes.get(guid);
      return e ? { hostname: e.hostname, info: e.info, ...(e.collectors ? { collectors: e.collectors } : {}) } : undefined;
    },
    /** Every registered node as a registration event (at start, with the node ids kept for the claim). */
    registrations: (): NodeEvent[] => [...nodes].map(([guid, e]) => registration(guid, e)),
    has: (guid: string) => nodes.has(guid),
  };
}
