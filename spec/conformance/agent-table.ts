/**
 * What a Netdata agent sends during claim, connect, node registration, a `cmd`, a DisconnectReq and a
 * graceful stop (issue 12), as data, with the agent's source file for each row. The conformance spec
 * records what this link actually sends against the development cloud and checks it row by row.
 */
export interface HttpRow {
  readonly kind: 'http';
  readonly step: string;
  readonly method: string;
  /** The path with `:claimId` standing for the claim id. */
  readonly path: string;
  readonly query: readonly string[];
  readonly body: readonly string[];
  readonly headers: readonly string[];
  readonly source: string;
}

export interface MqttRow {
  readonly kind: 'mqtt';
  readonly step: string;
  /** The password answer's topic name. */
  readonly topic: string;
  readonly message: string;
  /** Fields that must be present (dotted paths into the decoded message), and values some must have. */
  readonly fields: readonly string[];
  readonly values?: Readonly<Record<string, unknown>>;
  readonly source: string;
}

export type ConformanceRow = HttpRow | MqttRow;

export const AGENT_TABLE: readonly ConformanceRow[] = [
  { kind: 'http', step: 'claim', method: 'PUT', path: '/api/v1/spaces/nodes/:claimId', query: [], body: ['node.id', 'node.hostname', 'token', 'rooms', 'publicKey', 'mGUID'], headers: ['content-type', 'user-agent'], source: 'src/claim/claim-with-api.c' },
  { kind: 'http', step: 'connect', method: 'GET', path: '/api/v1/env', query: ['v', 'cap', 'claim_id'], body: [], headers: ['user-agent'], source: 'src/aclk/aclk_otp.c aclk_get_env, https_client.c' },
  { kind: 'http', step: 'connect', method: 'GET', path: '/api/v1/auth/node/:claimId/challenge', query: [], body: [], headers: ['user-agent'], source: 'src/aclk/aclk_otp.c aclk_get_otp_challenge' },
  { kind: 'http', step: 'connect', method: 'POST', path: '/api/v1/auth/node/:claimId/password', query: [], body: ['agent_version', 'response'], headers: ['content-type', 'user-agent'], source: 'src/aclk/aclk_otp.c aclk_send_otp_response' },
  { kind: 'mqtt', step: 'connect', topic: 'agent-connection', message: 'UpdateAgentConnection', fields: ['claimId', 'reachable', 'sessionId', 'updateSource', 'updatedAtMs', 'capabilities'], values: { reachable: true, updateSource: 'agent' }, source: 'src/aclk/aclk_tx_msgs.c aclk_send_agent_connection_update' },
  { kind: 'mqtt', step: 'node registration', topic: 'create-node-instance', message: 'CreateNodeInstance', fields: ['claimId', 'machineGuid', 'hostname'], source: 'src/aclk/schema-wrappers/node_creation.cc' },
  { kind: 'mqtt', step: 'node registration', topic: 'node-instance-connection', message: 'UpdateNodeInstanceConnection', fields: ['claimId', 'nodeId', 'liveness', 'queryable', 'sessionId', 'updatedAtMs', 'hops', 'capabilities'], values: { liveness: true, queryable: true }, source: 'src/aclk/schema-wrappers/node_connection.cc, aclk.c aclk_update_node_instance_job' },
  { kind: 'mqtt', step: 'node registration', topic: 'node-instance-info', message: 'UpdateNodeInfo', fields: ['claimId', 'nodeId', 'machineGuid', 'child', 'info.name', 'info.version', 'updatedAtMs', 'nodeCapabilities', 'nodeInstanceCapabilities'], source: 'src/aclk/schema-wrappers/node_info.cc' },
  { kind: 'mqtt', step: 'cmd', topic: 'cmd-reply', message: 'cmd reply (JSON header + HTTP response)', fields: ['header.type', 'header.msg-id', 'header.timestamp', 'header.timestamp-offset-usec', 'header.connect', 'header.connect-offset-usec', 'header.version', 'header.t-exec', 'header.t-rx', 'header.http-code', 'status'], values: { 'header.type': 'http', 'header.version': 2 }, source: 'src/aclk/aclk_tx_msgs.c aclk_http_msg_v2' },
  { kind: 'mqtt', step: 'DisconnectReq', topic: 'agent-connection', message: 'UpdateAgentConnection (after reconnecting)', fields: ['claimId', 'reachable', 'sessionId'], values: { reachable: true }, source: 'src/aclk/aclk_rx_msgs.c handle_disconnect_req, aclk.c' },
  { kind: 'mqtt', step: 'graceful stop', topic: 'node-instance-connection', message: 'UpdateNodeInstanceConnection', fields: ['nodeId', 'liveness'], values: { liveness: false }, source: 'src/aclk/aclk.c (node state on shutdown)' },
  { kind: 'mqtt', step: 'graceful stop', topic: 'agent-connection', message: 'UpdateAgentConnection', fields: ['claimId', 'reachable', 'updateSource', 'sessionId'], values: { reachable: false, updateSource: 'agent' }, source: 'src/aclk/aclk.c aclk_graceful_disconnect' },
];
