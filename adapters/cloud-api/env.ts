/** The env step (PROTOCOL.md section 3, step 1): URL and answer validation. */
import { LinkError } from '../../effects/errors.js';
import type { EnvInfo, TransportOffer } from '../../effects/ports.js';
import { expectJson } from './answer.js';
import type { HttpsResponse } from './https-request.js';
import { envAnswerSchema, firstIssue } from './schemas.js';

/** `/api/v1/env?v=<version>&cap=proto,ctx&claim_id=<id>` (the comma is sent literally, as the agent does). */
export function envPath(agentVersion: string, claimId: string): string {
  return `/api/v1/env?v=${encodeURIComponent(agentVersion)}&cap=proto,ctx&claim_id=${encodeURIComponent(claimId)}`;
}

/** The env URL below a cloud base URL (a path in the base URL is kept). */
export function envUrl(cloudUrl: string, agentVersion: string, claimId: string): URL {
  return new URL(`${trimSlash(cloudUrl)}${envPath(agentVersion, claimId)}`);
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

const KNOWN_TRANSPORTS = new Set(['MQTTv5', 'MQTTv3']);

function usable(offer: { type: string; endpoint: string }): offer is TransportOffer {
  if (!KNOWN_TRANSPORTS.has(offer.type)) return false;
  try {
    return new URL(offer.endpoint).protocol === 'wss:';
  } catch {
    return false;
  }
}

/** Validate an env answer. Transports are filtered to MQTTv5/MQTTv3 over wss:, MQTTv5 first. */
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
  const transports = answer.transports
    .filter(usable)
    .map((t): TransportOffer => ({ type: t.type, endpoint: t.endpoint }))
    .sort((a, b) => rank(a) - rank(b));
  if (transports.length === 0) {
    const offered = answer.transports.map((t) => t.type).join(', ');
    throw new LinkError('ENV_NO_TRANSPORT', `${what}: the cloud offers no MQTTv5 or MQTTv3 transport over wss: (offered: ${offered})`, {
      httpStatus: response.status,
    });
  }
  return {
    authEndpoint: answer.authEndpoint,
    encoding: answer.encoding,
    transports,
    ...(answer.backoff !== undefined ? { backoff: { ...answer.backoff } } : {}),
    capabilities: [...answer.capabilities],
  };
}

function rank(offer: TransportOffer): number {
  return offer.type === 'MQTTv5' ? 0 : 1;
}
