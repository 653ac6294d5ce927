/** `PUT /api/v1/spaces/nodes/:claimId` (PROTOCOL.md section 2). */
import { createPublicKey } from 'node:crypto';
import type { Clock, Logger } from '../effects/ports.js';
import { isRecord, readJson, sendCloudError, sendEmpty } from './http-util.js';
import type { FaultyHandler } from './faults.js';
import type { StateStore } from './state-store.js';
import { sameSecret } from './tokens.js';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaimHandlerDeps {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The public key as SPKI DER (base64), or null when it is not an RSA public key in PEM. */
export function rsaKeyFingerprint(pem: unknown): string | null {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) return null;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return null;
    return key.export({ type: 'spki', format: 'der' }).toString('base64');
  } catch {
    return null;
  }
}

export function claimHandler({ store, clock, logger }: ClaimHandlerDeps): FaultyHandler {
  return async ({ req, res, params }) => {
    const body = await readJson(req);
    const claimId = params.claimId ?? '';
    const invalid = (errorMsgKey: string, errorMessage: string): void => sendCloudError(res, 422, { errorMsgKey, errorMessage });
    if (!isRecord(body)) {
      invalid('ErrInvalidRequest', 'the body must be a JSON object');
      return;
    }
    if (!sameSecret(body.token, store.claimToken)) {
      sendCloudError(res, 403, { errorMsgKey: 'ErrInvalidClaimToken', errorMessage: 'the claim token is invalid or expired' });
      return;
    }
    const node = isRecord(body.node) ? body.node : {};
    if (node.id !== claimId || !UUID_PATTERN.test(claimId)) {
      invalid('ErrInvalidNodeID', 'node.id must be a UUID equal to the claim id in the path');
      return;
    }
    if (typeof node.hostname !== 'string' || node.hostname.trim() === '') {
      invalid('ErrInvalidNodeName', 'node.hostname must be a non-empty string');
      return;
    }
    const rooms = body.rooms;
    if (!Array.isArray(rooms) || !rooms.every((r): r is string => typeof r === 'string' && r.trim() !== '')) {
      invalid('ErrInvalidRoomID', 'rooms must be an array of room ids');
      return;
    }
    const fingerprint = rsaKeyFingerprint(body.publicKey);
    if (fingerprint === null) {
      invalid('ErrInvalidPublicKey', 'publicKey must be an RSA public key in PEM');
      return;
    }
    const existing = store.node(claimId);
    if (existing !== undefined && rsaKeyFingerprint(existing.publicKeyPem) !== fingerprint) {
      sendCloudError(res, 409, { errorMsgKey: 'ErrAlreadyClaimed', errorMessage: 'this node is already claimed with another key' });
      return;
    }
    await store.putNode({
      claimId,
      hostname: node.hostname,
      rooms,
      publicKeyPem: body.publicKey as string,
      ...(typeof body.mGUID === 'string' ? { machineGuid: body.mGUID } : {}),
      claimedAt: clock.now(),
    });
    logger.info('dev cloud: node claimed', { claimId, hostname: node.hostname, rooms: rooms.length });
    sendEmpty(res, 204);
  };
}
