/**
 * What a claim answer means (PROTOCOL.md section 2, step 4), with messages that tell the user what to do.
 * Messages never contain the token.
 */
import { LinkError, type LinkErrorOptions } from '../../effects/errors.js';
import { describeCloudError, parseCloudErrorBody } from '../cloud-api/cloud-error-body.js';
import type { HttpsResponse } from '../cloud-api/https-request.js';

export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'final'; readonly error: LinkError };

export interface ClaimContext {
  readonly cloudDir: string;
  readonly hostname: string;
  readonly rooms: readonly string[];
}

const RETRYABLE_STATUS = new Set([500, 503, 504]);

const INVALID_KEYS: Readonly<Record<string, (ctx: ClaimContext) => [string, string]>> = {
  ErrInvalidNodeID: () => ['CLAIM_INVALID_NODE_ID', 'the cloud rejected the node id; this should not happen: try again, and report it if it persists'],
  ErrInvalidNodeName: (ctx) => [
    'CLAIM_INVALID_NODE_NAME',
    `the cloud rejected the host name "${ctx.hostname}": give the node a valid, non-empty host name and claim again`,
  ],
  ErrInvalidRoomID: (ctx) => [
    'CLAIM_INVALID_ROOM_ID',
    `the cloud rejected the room id(s) [${ctx.rooms.join(', ')}]: copy the room ids from the cloud's "Connect nodes" page and claim again`,
  ],
  ErrInvalidPublicKey: (ctx) => [
    'CLAIM_INVALID_PUBLIC_KEY',
    `the cloud rejected the node's public key: delete private.pem and public.pem in ${ctx.cloudDir} so a new key pair is made, and claim again`,
  ],
};

export function claimOutcome(response: HttpsResponse, ctx: ClaimContext): ClaimOutcome {
  const status = response.status;
  if (status === 204) return { kind: 'claimed' };
  const cloud = parseCloudErrorBody(response.body);
  const detail = describeCloudError(status, cloud);
  const options: LinkErrorOptions = { httpStatus: status, ...(cloud !== undefined ? { cloud } : {}) };
  if (RETRYABLE_STATUS.has(status)) return { kind: 'retry', reason: detail };
  if (status === 422) {
    const known = cloud?.errorMsgKey !== undefined ? INVALID_KEYS[cloud.errorMsgKey] : undefined;
    const [code, message] = known?.(ctx) ?? [
      'CLAIM_INVALID_REQUEST',
      `the cloud rejected the claim request as invalid (${detail}): check the claim options and try again`,
    ];
    return { kind: 'final', error: new LinkError(code, `${message} (${detail})`, options) };
  }
  if (status === 403) {
    return final('CLAIM_TOKEN_INVALID', `the cloud refused the claim token (${detail}): it is wrong or expired. Copy a fresh token from the cloud's "Connect nodes" page and claim again`, options);
  }
  if (status === 409) {
    return final('CLAIM_ALREADY_CLAIMED', `the cloud says this node is already claimed (${detail}): remove the node from its space in the cloud, or delete private.pem and public.pem in ${ctx.cloudDir} to claim it as a new node`, options);
  }
  return final('CLAIM_UNEXPECTED_STATUS', `the cloud answered the claim with an unexpected ${detail}: check the cloud URL and try again later`, options);
}

function final(code: string, message: string, options: LinkErrorOptions): ClaimOutcome {
  return { kind: 'final', error: new LinkError(code, message, options) };
}

/** Transport failures that another try cannot fix. */
const FINAL_TRANSPORT_CODES = new Set(['TLS_VERIFY_FAILED', 'ABORTED', 'INVALID_URL']);

export function transportOutcome(error: LinkError): ClaimOutcome {
  if (FINAL_TRANSPORT_CODES.has(error.code)) {
    // A TLS_VERIFY_FAILED message already ends with its advice (transport-errors.ts): none is added here.
    return { kind: 'final', error: new LinkError(error.code, `claim failed: ${error.message}`, { cause: error }) };
  }
  return { kind: 'retry', reason: `${error.code}: ${error.message}` };
}
