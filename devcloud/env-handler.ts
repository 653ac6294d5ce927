/** `GET /api/v1/env?v=&cap=&claim_id=` (PROTOCOL.md section 3, step 1). */
import type { Logger } from '../effects/ports.js';
import { envAnswer, type EnvSettings } from './env-settings.js';
import type { FaultyHandler } from './faults.js';
import { sendCloudError, sendJson } from './http-util.js';
import type { StateStore } from './state-store.js';

export interface EnvHandlerDeps {
  readonly store: StateStore;
  readonly settings: () => EnvSettings;
  readonly baseUrl: () => string;
  readonly logger: Logger;
}

export function envHandler({ store, settings, baseUrl, logger }: EnvHandlerDeps): FaultyHandler {
  return ({ res, url }) => {
    const claimId = url.searchParams.get('claim_id');
    if (claimId === null || claimId === '') {
      sendCloudError(res, 400, { errorMsgKey: 'ErrBadRequest', errorMessage: 'claim_id is required' });
      return;
    }
    if (store.node(claimId) === undefined) {
      sendCloudError(res, 404, { errorMsgKey: 'ErrNodeNotFound', errorMessage: 'no node is claimed with this claim id' });
      return;
    }
    logger.debug('dev cloud: env', { claimId, version: url.searchParams.get('v') ?? '' });
    sendJson(res, 200, envAnswer(settings(), baseUrl()));
  };
}
