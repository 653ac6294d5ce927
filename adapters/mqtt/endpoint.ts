/**
 * Where the MQTT WebSocket goes: the transport endpoint of the env answer (`wss://host:port/path`, or a
 * bare `host[:port]`) as host, port and path. The path defaults to `/mqtt`, the port to 443.
 */
import { LinkError } from '../../effects/errors.js';

export interface WsEndpoint {
  /** Host name or IP; an IPv6 literal keeps its brackets (as in a URL). */
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  /** `wss://host:port/path`, for messages (never contains credentials). */
  readonly url: string;
}

export function parseEndpoint(endpoint: string): WsEndpoint {
  const text = endpoint.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `wss://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new LinkError('ENDPOINT_INVALID', `the MQTT endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'wss:' && scheme !== 'https:') {
    throw new LinkError('ENDPOINT_INVALID', `the MQTT endpoint must use wss:// (got ${scheme}//)`);
  }
  if (url.username !== '' || url.password !== '') throw new LinkError('ENDPOINT_INVALID', 'the MQTT endpoint must not carry credentials');
  if (url.hostname === '') throw new LinkError('ENDPOINT_INVALID', 'the MQTT endpoint has no host');
  const port = url.port === '' ? 443 : Number(url.port);
  const path = url.pathname === '' || url.pathname === '/' ? '/mqtt' : url.pathname;
  return { hostname: url.hostname, port, path: `${path}${url.search}`, url: `wss://${url.hostname}:${port}${path}` };
}
