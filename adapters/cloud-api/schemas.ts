/** The shapes of the cloud's answers (PROTOCOL.md section 3). Unknown keys are ignored. */
import { MAX_WAIT_SECONDS } from './cloud-error-body.js';
import { array, int, object, oneOf, optional, refine, string, type Of } from './shape.js';

export { firstIssue } from './shape.js';

/**
 * env backoff bounds: milliseconds on the wire (despite the names `minSeconds`/`maxSeconds`, see env.ts),
 * capped at what a Node.js timer can wait (~24.8 days; see cloud-error-body.ts).
 */
const milliseconds = (min: number) => refine(int(min), () => true, '', (n) => Math.min(n, MAX_WAIT_SECONDS * 1000));

const httpsUrl = refine(string(), (value) => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an https: URL');

export const envAnswerSchema = object({
  authEndpoint: httpsUrl,
  encoding: oneOf(['proto', 'json']),
  transports: array(object({ type: string(), endpoint: string() }), 1),
  backoff: optional(object({
    base: int(1, 10),
    minSeconds: milliseconds(0),
    maxSeconds: milliseconds(500),
  })),
  capabilities: array(string()),
});
export type EnvAnswer = Of<typeof envAnswerSchema>;

export const challengeAnswerSchema = object({ challenge: string() });

export const passwordAnswerSchema = object({
  clientID: string(1),
  username: string(1),
  password: string(1),
  topics: array(object({ name: string(1), topic: string(1) })),
});
export type PasswordAnswer = Of<typeof passwordAnswerSchema>;
