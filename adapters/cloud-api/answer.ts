/** Shared steps of reading one cloud answer: expected status (else a coded error with the cloud body), then JSON. */
import { LinkError } from '../../effects/errors.js';
import { describeCloudError, parseCloudErrorBody } from './cloud-error-body.js';
import type { HttpsResponse } from './https-request.js';

export interface AnswerCodes {
  /** e.g. `ENV_NOT_200`. */
  readonly wrongStatus: string;
  /** e.g. `ENV_BAD_JSON`. */
  readonly badJson: string;
}

export function expectJson(response: HttpsResponse, expectedStatus: number, codes: AnswerCodes, what: string): unknown {
  if (response.status !== expectedStatus) {
    const cloud = parseCloudErrorBody(response.body);
    throw new LinkError(
      codes.wrongStatus,
      `${what}: expected HTTP ${expectedStatus}, got ${describeCloudError(response.status, cloud)}`,
      { httpStatus: response.status, ...(cloud !== undefined ? { cloud } : {}) },
    );
  }
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new LinkError(codes.badJson, `${what}: the answer is not valid JSON`, { httpStatus: response.status });
  }
}
