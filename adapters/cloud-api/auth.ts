/** The challenge and password steps (PROTOCOL.md section 3, steps 2 and 4): URLs and answer validation. */
import { LinkError } from '../../effects/errors.js';
import type { MqttCredentials } from '../../effects/ports.js';
import { expectJson } from './answer.js';
import { trimSlash } from './env.js';
import type { HttpsResponse } from './https-request.js';
import { challengeAnswerSchema, firstIssue, passwordAnswerSchema } from './schemas.js';

export const CHALLENGE_BASE64_LENGTH = 344;
export const CHALLENGE_BYTES = 256;
export const REQUIRED_TOPICS = ['inbox-cmd', 'agent-connection'] as const;
export const CLAIM_ID_TAG = '#{claim_id}';

export function challengeUrl(authEndpoint: string, claimId: string): URL {
  return new URL(`${trimSlash(authEndpoint)}/node/${encodeURIComponent(claimId)}/challenge`);
}

export function passwordUrl(authEndpoint: string, claimId: string): URL {
  return new URL(`${trimSlash(authEndpoint)}/node/${encodeURIComponent(claimId)}/password`);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseChallengeAnswer(response: HttpsResponse): Uint8Array {
  const what = 'challenge request';
  const codes = { wrongStatus: 'AUTH_CHALLENGE_NOT_200', badJson: 'AUTH_CHALLENGE_BAD_JSON' };
  const parsed = challengeAnswerSchema.safeParse(expectJson(response, 200, codes, what));
  if (!parsed.success) {
    throw new LinkError('AUTH_CHALLENGE_BAD_JSON', `${what}: the answer has no challenge string (${firstIssue(parsed.error)})`, {
      httpStatus: response.status,
    });
  }
  const text = parsed.data.challenge;
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
  if (text.length !== CHALLENGE_BASE64_LENGTH || bytes === null || bytes.length !== CHALLENGE_BYTES) {
    throw new LinkError(
      'AUTH_CHALLENGE_BAD_LENGTH',
      `${what}: the challenge must be ${CHALLENGE_BASE64_LENGTH} base64 characters decoding to ${CHALLENGE_BYTES} bytes, got ${text.length} characters${bytes === null ? ' (not base64)' : ` decoding to ${bytes.length} bytes`}`,
      { httpStatus: response.status },
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function passwordBody(agentVersion: string, response: Uint8Array): string {
  return JSON.stringify({ agent_version: agentVersion, response: Buffer.from(response).toString('base64') });
}

export function parsePasswordAnswer(response: HttpsResponse, claimId: string): MqttCredentials {
  const what = 'password request';
  const codes = { wrongStatus: 'AUTH_PASSWORD_NOT_201', badJson: 'AUTH_PASSWORD_BAD_JSON' };
  const parsed = passwordAnswerSchema.safeParse(expectJson(response, 201, codes, what));
  if (!parsed.success) {
    throw new LinkError('AUTH_PASSWORD_BAD_JSON', `${what}: the answer does not have the expected shape (${firstIssue(parsed.error)})`, {
      httpStatus: response.status,
    });
  }
  // A Map, so names like `__proto__` or `toString` are plain data; the first entry of a name wins.
  const byName = new Map<string, string>();
  for (const { name, topic } of parsed.data.topics) {
    if (!byName.has(name)) byName.set(name, topic.split(CLAIM_ID_TAG).join(claimId));
  }
  const missing = REQUIRED_TOPICS.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new LinkError('AUTH_PASSWORD_NO_TOPICS', `${what}: the answer lacks the topic(s) ${missing.join(', ')}`, {
      httpStatus: response.status,
    });
  }
  const topics: Readonly<Record<string, string>> = Object.fromEntries(byName);
  return { clientId: parsed.data.clientID, username: parsed.data.username, password: parsed.data.password, topics };
}
