/**
 * `GET /api/v1/auth/node/:claimId/challenge` and `POST /api/v1/auth/node/:claimId/password`
 * (PROTOCOL.md section 3, steps 2 and 4).
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import type { Logger } from '../effects/ports.js';
import { ChallengeRegistry, CredentialRegistry, type TopicSpec } from './credentials.js';
import type { FaultyHandler } from './faults.js';
import { isRecord, readJson, sendCloudError, sendJson } from './http-util.js';
import type { StateStore } from './state-store.js';
import { sameSecret } from './tokens.js';

/**
 * Plain challenge size. RSA-2048 with OAEP-SHA-1 can carry at most 214 bytes; the ciphertext is always
 * 256 bytes (344 base64 characters) whatever the plain size.
 */
export const CHALLENGE_PLAIN_BYTES = 32;

export interface AuthHandlerDeps {
  readonly store: StateStore;
  readonly challenges: ChallengeRegistry;
  readonly credentials: CredentialRegistry;
  readonly topics: () => readonly TopicSpec[];
  readonly logger: Logger;
}

const notFound = { errorMsgKey: 'ErrNodeNotFound', errorMessage: 'no node is claimed with this claim id' };

export function challengeHandler({ store, challenges, logger }: AuthHandlerDeps): FaultyHandler {
  return ({ res, params }, fault) => {
    const claimId = params.claimId ?? '';
    const node = store.node(claimId);
    if (node === undefined) {
      sendCloudError(res, 404, notFound);
      return;
    }
    const plain = randomBytes(CHALLENGE_PLAIN_BYTES);
    const cipher = publicEncrypt({ key: node.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, plain);
    challenges.issue(claimId, plain);
    const sent = fault?.mode === 'bad-challenge-length' ? cipher.subarray(0, 128) : cipher;
    logger.debug('dev cloud: challenge issued', { claimId });
    sendJson(res, 200, { challenge: sent.toString('base64') });
  };
}

export function passwordHandler({ store, challenges, credentials, topics, logger }: AuthHandlerDeps): FaultyHandler {
  return async ({ req, res, params }) => {
    const claimId = params.claimId ?? '';
    const body = await readJson(req);
    if (store.node(claimId) === undefined) {
      sendCloudError(res, 404, notFound);
      return;
    }
    if (!isRecord(body) || typeof body.response !== 'string' || typeof body.agent_version !== 'string') {
      sendCloudError(res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: 'agent_version and response (base64) are required' });
      return;
    }
    const expected = challenges.take(claimId);
    if (expected === undefined || !sameSecret(Buffer.from(body.response, 'base64').toString('hex'), expected.toString('hex'))) {
      logger.info('dev cloud: challenge response rejected', { claimId });
      sendCloudError(res, 401, { errorMsgKey: 'ErrInvalidChallengeResponse', errorMessage: 'the challenge response is wrong or the challenge was already used' });
      return;
    }
    const issued = await credentials.issueProvisioned(claimId);
    logger.info('dev cloud: MQTT credentials issued', { claimId, clientId: issued.clientId, agentVersion: body.agent_version });
    sendJson(res, 201, {
      clientID: issued.clientId,
      username: issued.username,
      password: issued.password,
      topics: topics().map((t) => ({ name: t.name, topic: t.topic })),
    });
  };
}
