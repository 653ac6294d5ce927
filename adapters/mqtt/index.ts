/** The MQTT transport adapter and the cmd relay. */
export { createMqttTransport, DEFAULT_CAPABILITIES, type MqttTransportOptions } from './transport.js';
export { MqttSession } from './session.js';
export { createCmdRelay, DEFAULT_CMD_TIMEOUT_MS, type CmdRelay, type CmdRelayOptions, type CmdHandler, type CmdHandlerRequest, type CmdHandlerResponse } from './cmd-relay.js';
export { parseEndpoint, type WsEndpoint } from './endpoint.js';
export { classifySessionError } from './errors.js';
export type { ServerLimits } from './limits.js';
