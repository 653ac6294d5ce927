/**
 * Where the MQTT WebSocket goes, from the transport endpoint of the env answer, in every form the
 * Netdata agent accepts (its `url_parse`, https_client.c, then `/mqtt` in aclk.c):
 * - `https://host[:port][/path]` and a bare `host[:port][/path]`: host and port (443 by default);
 * - `http://host[:port][/path]`: host and port (80 by default): still TLS, as in the agent;
 * - the path of those is ignored: the agent always opens `/mqtt`;
 * - `wss://host[:port][/path]` (this project's form): its path is kept (`/mqtt` when empty).
 * Anything else is ENDPOINT_INVALID naming the value. The last public sample of the real cloud's
 * answer was `https://<host>/mqtt`.
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

const DEFAULT_PORT: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80, 'wss:': 443 };

/** The value as it may be quoted in a message: JSON, clipped (it comes from the cloud). */
const quoted = (value: string): string => JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);

export function parseEndpoint(endpoint: string): WsEndpoint {
  const text = endpoint.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw new LinkError('ENDPOINT_INVALID', `the MQTT endpoint ${quoted(endpoint)} is not a URL or host[:port]`);
  }
  const scheme = url.protocol.toLowerCase();
  const defaultPort = DEFAULT_PORT[scheme];
  if (defaultPort === undefined) {
    throw new LinkError('ENDPOINT_INVALID', `the MQTT endpoint ${quoted(endpoint)} must be https://, http://, wss:// or host[:port]`);
  }
  if (url.username !== '' || url.password !== '') throw new LinkError('ENDPOINT_INVALID', 'the MQTT endpoint must not carry credentials');
  if (url.hostname === '') throw new LinkError('ENDPOINT_INVALID', `the MQTT endpoint ${quoted(endpoint)} has no host`);
  const port = url.port === '' ? defaultPort : Number(url.port);
  const keepsPath = scheme === 'wss:' && url.pathname !== '' && url.pathname !== '/';
  const path = keepsPath ? `${url.pathname}${url.search}` : '/mqtt';
  return { hostname: url.hostname, port, path, url: `wss://${url.hostname}:${port}${path}` };
}
