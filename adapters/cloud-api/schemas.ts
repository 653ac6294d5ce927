/** zod schemas of the cloud's answers (PROTOCOL.md section 3). Unknown keys are ignored. */
import { z } from 'zod';
import { MAX_WAIT_SECONDS } from './cloud-error-body.js';

/**
 * env backoff bounds: milliseconds on the wire (despite the names `minSeconds`/`maxSeconds`, see env.ts),
 * capped at what a Node.js timer can wait (~24.8 days; see cloud-error-body.ts).
 */
const milliseconds = (min: number) => z.number().int().min(min).transform((n) => Math.min(n, MAX_WAIT_SECONDS * 1000));

const httpsUrl = z.string().refine((value) => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an https: URL');

export const envAnswerSchema = z.object({
  authEndpoint: httpsUrl,
  encoding: z.enum(['proto', 'json']),
  transports: z.array(z.object({ type: z.string(), endpoint: z.string() })).min(1),
  backoff: z.object({
    base: z.number().int().min(1).max(10),
    minSeconds: milliseconds(0),
    maxSeconds: milliseconds(500),
  }).optional(),
  capabilities: z.array(z.string()),
});
export type EnvAnswer = z.infer<typeof envAnswerSchema>;

export const challengeAnswerSchema = z.object({ challenge: z.string() });

export const passwordAnswerSchema = z.object({
  clientID: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
  topics: z.array(z.object({ name: z.string().min(1), topic: z.string().min(1) })),
});
export type PasswordAnswer = z.infer<typeof passwordAnswerSchema>;

/** First problem of a failed parse, as `path: message`, for error messages. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
