/**
 * `nodeinstance.info.v1.UpdateNodeCollectors` (agent -> cloud, `node-instance-collectors`): the
 * plugin/module pairs collecting a node's data (netdata node_info.cc `generate_update_node_collectors_message`).
 */
import { UpdateNodeCollectorsSchema } from './gen/nodeinstance/info/v1/info_pb.js';
import { bad, uuidIn, uuidOut } from './node-fields.js';
import { decodeMessage, encodeMessage } from './wire.js';

/** Collectors in one message, at most (decoding). */
export const MAX_COLLECTORS = 4096;

export interface CollectorInfo {
  /** e.g. `go.d`, `proc.plugin`; '' when unknown. */
  readonly plugin: string;
  /** e.g. `nginx`, `/proc/stat`; '' when unknown. */
  readonly module: string;
}

export interface UpdateNodeCollectorsInit {
  readonly claimId: string;
  readonly nodeId: string;
  readonly collectors: readonly CollectorInfo[];
}

export interface DecodedUpdateNodeCollectors {
  /** Lower-cased UUIDs. */
  readonly claimId: string;
  readonly nodeId: string;
  readonly collectors: CollectorInfo[];
}

const TYPE = 'nodeinstance.info.v1.UpdateNodeCollectors';

export function encodeUpdateNodeCollectors(m: UpdateNodeCollectorsInit): Uint8Array {
  return encodeMessage(UpdateNodeCollectorsSchema, {
    claimId: uuidOut(TYPE, 'claimId', m.claimId),
    nodeId: uuidOut(TYPE, 'nodeId', m.nodeId),
    collectors: m.collectors.map((c) => ({ plugin: c.plugin, module: c.module })),
  });
}

/** Throws `MSG_BAD_PROTOBUF` on bytes that are not this message, non-UUID ids or too many collectors. */
export function decodeUpdateNodeCollectors(bytes: Uint8Array): DecodedUpdateNodeCollectors {
  const m = decodeMessage(UpdateNodeCollectorsSchema, bytes);
  if (m.collectors.length > MAX_COLLECTORS) throw bad(TYPE, `more than ${MAX_COLLECTORS} collectors`);
  return {
    claimId: uuidIn(TYPE, 'claim_id', m.claimId),
    nodeId: uuidIn(TYPE, 'node_id', m.nodeId),
    collectors: m.collectors.map((c) => ({ plugin: c.plugin, module: c.module })),
  };
}
