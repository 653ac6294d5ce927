/** Wire formats of the link: the protobuf messages and the `cmd` request/reply format. */
export {
  encodeUpdateAgentConnection,
  decodeUpdateAgentConnection,
  type UpdateSource,
  type CapabilityInfo,
  type UpdateAgentConnectionInit,
  type DecodedUpdateAgentConnection,
} from './update-agent-connection.js';
export { encodeDisconnectReq, decodeDisconnectReq, type DisconnectReqInit, type DecodedDisconnectReq } from './disconnect-req.js';
export {
  encodeCancelPendingRequest,
  decodeCancelPendingRequest,
  type CancelPendingRequestInit,
  type DecodedCancelPendingRequest,
} from './cancel-pending-request.js';
export * from './node-instance.js';
export { parseCmdRequest, formatCmdRequest, CMD_VERSION, CMD_METHODS, type CmdRequest, type CmdRequestInit, type CmdMethod } from './cmd-request.js';
export { formatCmdReply, parseCmdReply, CMD_ERROR, type CmdErrorCode, type CmdReplyInit, type ParsedCmdReply } from './cmd-reply.js';
export { messageTypeOf } from './topic.js';
