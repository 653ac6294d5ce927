export type { ProxyKind, ProxyResult, ProxyTarget, ResolvedProxy, TunnelProxy } from './types.js';
export { parseProxySetting, type ProxyEnv } from './parse.js';
export { parseProxyUrl } from './url.js';
export { matchesNoProxy } from './no-proxy.js';
export { redactProxy } from './redact.js';
export { classifyProxyError, proxyStatusError, proxyTimeoutError } from './classify.js';
export { createTunnelAgent, TUNNEL_TIMEOUT_MS, type TunnelOptions, type TunnelTls } from './agent.js';
