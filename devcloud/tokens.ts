/** Constant-time secret comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hash both so lengths match and nothing about the length leaks.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
