/** The node-instance messages (PROTOCOL.md section 8), one module each; re-exported here. */
export {
  encodeCreateNodeInstance,
  decodeCreateNodeInstance,
  encodeCreateNodeInstanceResult,
  decodeCreateNodeInstanceResult,
  type CreateNodeInstanceInit,
  type DecodedCreateNodeInstance,
  type CreateNodeInstanceResultInit,
  type DecodedCreateNodeInstanceResult,
} from './node-creation.js';
export {
  encodeUpdateNodeInstanceConnection,
  decodeUpdateNodeInstanceConnection,
  type UpdateNodeInstanceConnectionInit,
  type DecodedUpdateNodeInstanceConnection,
} from './node-connection.js';
export { encodeUpdateNodeInfo, decodeUpdateNodeInfo, type UpdateNodeInfoInit, type DecodedUpdateNodeInfo } from './node-info.js';
export { MAX_HOST_LABELS, type NodeInfoInit, type DecodedNodeInfo, type MlInfo } from './node-info-data.js';
export {
  encodeUpdateNodeCollectors,
  decodeUpdateNodeCollectors,
  MAX_COLLECTORS,
  type CollectorInfo,
  type UpdateNodeCollectorsInit,
  type DecodedUpdateNodeCollectors,
} from './node-collectors.js';
export {
  encodeSendNodeInstances,
  decodeSendNodeInstances,
  type SendNodeInstancesConfig,
  type SendNodeInstancesInit,
  type DecodedSendNodeInstances,
} from './send-node-instances.js';
export { isUuid, MAX_CAPABILITIES } from './node-fields.js';
