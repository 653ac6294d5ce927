/**
 * Lenient parsing of the cloud's JSON error body (PROTOCOL.md section 3): keep whichever known fields
 * have the right type, ignore everything else. Never throws. `errorRetryDelaySeconds` is capped at
 * MAX_WAIT_SECONDS (~24.8 days), the longest wait a Node.js timer holds: a longer one fires after 1 ms,
 * and a far longer one put the next attempt outside Date's range (RangeError in the link's state).
 */
import type { CloudErrorBody } from '../../machines/failure.js';

/** 2^31-1 ms, in whole seconds. */
export const MAX_WAIT_SECONDS = Math.floor(2_147_483_647 / 1000);

export function parseCloudErrorBody(body: Buffer | string): CloudErrorBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const out: {
    errorCode?: string;
    errorMsgKey?: string;
    errorMessage?: string;
    errorNonRetryable?: boolean;
    errorRetryDelaySeconds?: number;
  } = {};
  if (typeof v.errorCode === 'string') out.errorCode = v.errorCode;
  else if (typeof v.errorCode === 'number') out.errorCode = String(v.errorCode);
  if (typeof v.errorMsgKey === 'string') out.errorMsgKey = v.errorMsgKey;
  if (typeof v.errorMessage === 'string') out.errorMessage = v.errorMessage.slice(0, 500);
  if (typeof v.errorNonRetryable === 'boolean') out.errorNonRetryable = v.errorNonRetryable;
  const delay = v.errorRetryDelaySeconds;
  if (typeof delay === 'number' && Number.isFinite(delay) && delay > 0) out.errorRetryDelaySeconds = Math.min(Math.ceil(delay), MAX_WAIT_SECONDS);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `"HTTP 409 ErrDuplicatedChallenge: message"` style suffix for error messages. */
export function describeCloudError(status: number, cloud: CloudErrorBody | undefined): string {
  const parts = [`HTTP ${status}`];
  if (cloud?.errorMsgKey !== undefined) parts.push(cloud.errorMsgKey);
  let text = parts.join(' ');
  if (cloud?.errorMessage !== undefined) text += `: ${cloud.errorMessage}`;
  if (cloud?.errorNonRetryable === true) text += ' (the cloud says: do not retry)';
  if (cloud?.errorRetryDelaySeconds !== undefined) text += ` (retry after ${cloud.errorRetryDelaySeconds} s)`;
  return text;
}
