/**
 * What this link (and its host) tell the cloud they implement (netdata's aclk_capas.c): announced in
 * UpdateAgentConnection, UpdateNodeInstanceConnection and UpdateNodeInfo, and named in env's `cap=`.
 * The link itself implements `proto` (protobuf messages) and, with a cmd handler, `req_cancel`
 * (CancelPendingRequest); `json` is announced disabled as the agent does. Anything else (`http_api_v2`
 * when the host's cmd handler serves netdata's API v2, `ctx`, `funcs`...) only the host can promise: it
 * passes those in `capabilities`.
 */
import type { CapabilityInfo } from '../adapters/messages/index.js';
import type { NodeCapabilities } from './node-wire.js';

export function linkCapabilities(options: { cmd: boolean; host?: readonly CapabilityInfo[] }): NodeCapabilities {
  const host = (options.host ?? []).filter((c) => !['json', 'proto', 'req_cancel'].includes(c.name));
  const own: CapabilityInfo[] = [{ name: 'proto', version: 1, enabled: true }, { name: 'req_cancel', version: 1, enabled: options.cmd }];
  return {
    agent: [{ name: 'json', version: 2, enabled: false }, ...own, ...host],
    node: [...own, ...host],
  };
}

/** env's `cap=`: the names of what the agent announces enabled. */
export const envCapabilities = (c: NodeCapabilities): readonly string[] => c.agent.filter((x) => x.enabled).map((x) => x.name);
