import type { ResolvedProxy } from './types.js';

/** Display form for logs, state output and the inspector: scheme, host and port, never credentials. */
export function redactProxy(proxy: ResolvedProxy): string {
  if (proxy.kind === 'direct') return 'direct';
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  return `${proxy.kind}://${host}:${proxy.port}`;
}
