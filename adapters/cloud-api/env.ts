/** The env step (PROTOCOL.md section 3, step 1): URL and answer validation. */
import { LinkError, isLinkError } from '../../effects/errors.js';
import type { EnvInfo, TransportOffer } from '../../effects/ports.js';
import { parseEndpoint } from '../mqtt/endpoint.js';
import { expectJson } from './answer.js';
import type { HttpsResponse } from './https-request.js';
import { envAnswerSchema, firstIssue } from './schemas.js';

/**
 * `/api/v1/env?v=<version>&cap=<capabilities>&claim_id=<id>`: the comma is sent literally, as the agent
 * does. The agent sends `cap=proto,ctx`; this link names what it announces enabled (link/capabilities.ts),
 * `proto` by default.
 */
export function envPath(agentVersion: string, claimId: string, capabilities: readonly string[] = ['proto']): string {
  const cap = capabilities.map(encodeURIComponent).join(',');
  return `/api/v1/env?v=${encodeURIComponent(agentVersion)}&cap=${cap}&claim_id=${encodeURIComponent(claimId)}`;
}

/** The env URL below a cloud base URL (a path in the base URL is kept). */
export function envUrl(cloudUrl: string, agentVersion: string, claimId: string, capabilities?: readonly string[]): URL {
  return new URL(`${trimSlash(cloudUrl)}${envPath(agentVersion, claimId, capabilities)}`);
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

const KNOWN_TRANSPORTS = new Set(['MQTTv5', 'MQTTv3']);

/** An offer of a known type with its endpoint as `wss://host:port/path`, or the endpoint's problem. */
function normalised(offer: { type: string; endpoint: string }): TransportOffer | LinkError | null {
  if (!KNOWN_TRANSPORTS.has(offer.type)) return null;
  try {
    return { type: offer.type as TransportOffer['type'], endpoint: parseEndpoint(offer.endpoint).url };
  } catch (error) {
    if (isLinkError(error)) return error;
    throw error;
  }
}

/**
 * Validate an env answer. Transports are filtered to MQTTv5/MQTTv3, MQTTv5 first, each endpoint in any
 * form the agent accepts (adapters/mqtt/endpoint.ts) given as `wss://host:port/path`. Backoff bounds:
 * the cloud sends `minSeconds`/`maxSeconds` in MILLISECONDS despite their names (aclk_tbeb_delay,
 * aclk_util.c); they are passed on in seconds (fractions kept).
 */
export function parseEnvAnswer(response: HttpsResponse): EnvInfo {
  const what = 'env request';
  const json = expectJson(response, 200, { wrongStatus: 'ENV_NOT_200', badJson: 'ENV_BAD_JSON' }, what);
  const parsed = envAnswerSchema.safeParse(json);
  if (!parsed.success) {
    throw new LinkError('ENV_BAD_SCHEMA', `${what}: the answer does not have the expected shape (${firstIssue(parsed.error)})`, {
      httpStatus: response.status,
    });
  }
  const answer = parsed.data;
  const offers = answer.transports.map(normalised);
  const transports = offers.filter((t): t is TransportOffer => t !== null && !(t instanceof LinkError)).sort((a, b) => rank(a) - rank(b));
  if (transports.length === 0) {
    const bad = offers.find((t): t is LinkError => t instanceof LinkError);
    if (bad !== undefined) throw new LinkError('ENV_BAD_ENDPOINT', `${what}: ${bad.message}`, { httpStatus: response.status });
    const offered = answer.transports.map((t) => JSON.stringify(t.type.slice(0, 40))).join(', ');
    throw new LinkError('ENV_NO_TRANSPORT', `${what}: the cloud offers no MQTTv5 or MQTTv3 transport (offered: ${offered})`, {
      httpStatus: response.status,
    });
  }
  const { backoff } = answer;
  return {
    authEndpoint: answer.authEndpoint,
    encoding: answer.encoding,
    transports,
    ...(backoff !== undefined ? { backoff: { base: backoff.base, minSeconds: backoff.minSeconds / 1000, maxSeconds: backoff.maxSeconds / 1000 } } : {}),
    capabilities: [...answer.capabilities],
  };
}

function rank(offer: TransportOffer): number {
  return offer.type === 'MQTTv5' ? 0 : 1;
}
