/**
 * Whether two state values have the same `statePath`, without building either: the link compares every
 * snapshot with the last one, and most keep the state (a PUBACK, a context update), so no string is
 * made for them.
 */
import { statePath } from './state.js';

export function samePath(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return statePath(a) === statePath(b);
  for (const key in a) {
    for (const other in b) return key === other && samePath((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[other]);
    return false;
  }
  for (const _ in b) return false;
  return true;
}
