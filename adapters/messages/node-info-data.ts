/**
 * `nodeinstance.info.v1.NodeInfo`: a node's metadata, as netdata's node_info.cc `generate_node_info`
 * fills it. Conversion both ways; UpdateNodeInfo (node-info.ts) carries it as `data`.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { NodeInfo, NodeInfoSchema } from './gen/nodeinstance/info/v1/info_pb.js';
import { bad, nonEmpty, optionalUuidIn, uuidOut } from './node-fields.js';
import { invalid } from './wire.js';

/** Host labels in one NodeInfo, at most (decoding; the agent sends its host's labels). */
export const MAX_HOST_LABELS = 4096;

export interface MlInfo {
  readonly mlCapable: boolean;
  readonly mlEnabled: boolean;
}

/** The optional text fields of NodeInfo (empty on the wire means absent). */
const TEXT_FIELDS = [
  'os', 'osName', 'osVersion', 'kernelName', 'kernelVersion', 'architecture', 'cpuFrequency', 'memory',
  'diskSpace', 'releaseChannel', 'timezone', 'virtualizationType', 'containerType', 'customInfo',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

export type NodeInfoInit = {
  /** The node's hostname (`name` on the wire). */
  readonly name: string;
  /** The agent's version (`version`), e.g. `v2.6.0`. */
  readonly version: string;
  /** Number of CPU cores (uint32; 0 when unknown). */
  readonly cpus?: number;
  /** The node's machine GUID (a UUID). */
  readonly machineGuid?: string;
  readonly hostLabels?: Readonly<Record<string, string>>;
  readonly mlInfo?: MlInfo;
} & {
  /**
   * os, osName, osVersion, kernelName, kernelVersion, architecture; cpuFrequency, memory, diskSpace
   * (human readable, value and unit; the agent sends "0" when unknown); releaseChannel (`stable`,
   * `nightly`), timezone (abbreviation), virtualizationType, containerType (the agent sends "unknown"
   * when unknown), customInfo.
   */
  readonly [K in TextField]?: string;
};

export type DecodedNodeInfo = Omit<NodeInfoInit, 'cpus' | 'hostLabels'> & {
  readonly cpus: number;
  readonly hostLabels: Record<string, string>;
};

export function nodeInfoOut(typeName: string, info: NodeInfoInit): MessageInitShape<typeof NodeInfoSchema> {
  const cpus = info.cpus ?? 0;
  if (!Number.isInteger(cpus) || cpus < 0 || cpus > 0xffffffff) throw invalid(typeName, 'info.cpus must be a uint32');
  const labels = Object.entries(info.hostLabels ?? {});
  for (const [key, value] of labels) {
    if (typeof value !== 'string') throw invalid(typeName, `host label ${key} must be a string`);
  }
  const text = Object.fromEntries(TEXT_FIELDS.map((f) => [f, info[f] ?? '']));
  return {
    ...text,
    name: info.name,
    version: info.version,
    cpus,
    machineGuid: info.machineGuid === undefined ? '' : uuidOut(typeName, 'info.machineGuid', info.machineGuid),
    // fromEntries defines own properties: a label named `__proto__` stays a label.
    hostLabels: Object.fromEntries(labels),
    ...(info.mlInfo !== undefined ? { mlInfo: { mlCapable: info.mlInfo.mlCapable, mlEnabled: info.mlInfo.mlEnabled } } : {}),
  };
}

export function nodeInfoIn(typeName: string, data: NodeInfo | undefined): DecodedNodeInfo {
  if (data === undefined) return { name: '', version: '', cpus: 0, hostLabels: {} };
  const labels = Object.entries(data.hostLabels);
  if (labels.length > MAX_HOST_LABELS) throw bad(typeName, `more than ${MAX_HOST_LABELS} host labels`);
  const text: Partial<Record<TextField, string>> = {};
  for (const f of TEXT_FIELDS) {
    const value = nonEmpty(data[f]);
    if (value !== undefined) text[f] = value;
  }
  const machineGuid = optionalUuidIn(typeName, 'data.machine_guid', data.machineGuid);
  return {
    ...text,
    name: data.name,
    version: data.version,
    cpus: data.cpus,
    ...(machineGuid !== undefined ? { machineGuid } : {}),
    hostLabels: Object.fromEntries(labels),
    ...(data.mlInfo !== undefined ? { mlInfo: { mlCapable: data.mlInfo.mlCapable, mlEnabled: data.mlInfo.mlEnabled } } : {}),
  };
}
