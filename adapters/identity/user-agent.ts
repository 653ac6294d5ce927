/**
 * The `User-Agent` of every request of the link (env, challenge, password, claim, the WebSocket
 * upgrade): `Netdata/<agent version> agent-cloud-link/<library version>`.
 *
 * Decision: the Netdata agent sends `User-Agent: Netdata/rocks newhttpclient` on its env, challenge and
 * password requests (https_client.c handle_http_request), none on its claim (libcurl without
 * CURLOPT_USERAGENT, claim-with-api.c) nor on its WebSocket upgrade (ws_client.c). A cloud that
 * inspects the header can only rely on the product token `Netdata/`, so ours starts with it; the
 * agent's version replaces the agent's fixed `rocks`, and a second product token names this library
 * (RFC 9110 section 10.1.5: product tokens, most significant first). Characters that may not appear in
 * a product token are replaced with `_`, so no option value can break the header.
 */
export const LIBRARY_NAME = 'agent-cloud-link';
/** Used where no composition root supplied one (a direct caller of the adapters). */
export const DEFAULT_USER_AGENT = `Netdata/unknown ${LIBRARY_NAME}`;

const NOT_TOKEN = /[^!#$%&'*+.^_`|~0-9A-Za-z-]/g;

function token(value: string): string {
  const cleaned = value.slice(0, 64).replace(NOT_TOKEN, '_');
  return cleaned === '' ? 'unknown' : cleaned;
}

export function userAgentFor(agentVersion: string, libraryVersion: string): string {
  return `Netdata/${token(agentVersion)} ${LIBRARY_NAME}/${token(libraryVersion)}`;
}
