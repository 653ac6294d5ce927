/**
 * Shared pieces of the fuzz tests (spec/soak/fuzz-*.soak.spec.ts): the README's documented error codes,
 * a "which code did it throw" helper, an unhandled-rejection watch, and byte/text mutators.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { LinkError } from '../../../effects/errors.js';
import { soakScale } from '../scale.js';

/** Every code in the README's "Error codes" table. */
export const DOCUMENTED_CODES: ReadonlySet<string> = (() => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Verification with no server'));
  return new Set([...table.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1] ?? ''));
})();

/** numRuns for one property: a few hundred in `npm test`, tens of thousands in `npm run test:soak`. */
export const runs = (short = 500, full = 25_000): { numRuns: number } => ({ numRuns: soakScale(short, full) });

/**
 * 'ok' when `fn` returns; else the code of the LinkError it threw. Anything else thrown (a TypeError,
 * a RangeError...) fails the test: that is a crash, not a coded error.
 */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!(error instanceof LinkError)) throw new Error(`uncoded error: ${String(error)}`, { cause: error });
    expect(DOCUMENTED_CODES.has(error.code), `undocumented code ${error.code}`).toBe(true);
    expect(error.message).not.toBe('');
    return error.code;
  }
}

/** Registers a process-wide unhandledRejection listener for the file and fails it if one fired. */
export function watchUnhandledRejections(): { readonly seen: unknown[] } {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
    expect(seen).toEqual([]);
  });
  return { seen };
}

/** One edit to a byte string: flip, insert, delete, truncate, duplicate a slice, or splice in extremes. */
const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('extreme' as const),
    at: fc.nat(),
    bytes: fc.constantFrom<number[]>([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x80, 0x80, 0x80, 0x80, 0x80], [0x0a, 0xff, 0xff, 0xff, 0x0f], [0x7f], [0x00]),
  }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(bytes: Uint8Array, e: ByteEdit): Uint8Array {
  const at = bytes.length === 0 ? 0 : e.at % (bytes.length + 1);
  const a = [...bytes];
  switch (e.kind) {
    case 'flip': if (a.length > 0) a[at % a.length] = (a[at % a.length] ?? 0) ^ (1 << e.bit); break;
    case 'insert': a.splice(at, 0, ...e.bytes); break;
    case 'delete': a.splice(at, e.n); break;
    case 'truncate': a.length = Math.min(a.length, at); break;
    case 'dup': a.splice(at, 0, ...a.slice(at, at + e.n)); break;
    case 'extreme': a.splice(at, 0, ...e.bytes); break;
  }
  return Uint8Array.from(a);
}

/** Valid encodings from `valid`, each mutated by 1 to 4 edits. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(byteEdit, { minLength: 1, maxLength: 4 })).map(([bytes, edits]) => edits.reduce(applyEdit, bytes));
}

/** Text mutations: the same edits on the UTF-8 bytes, decoded leniently (lone bytes become U+FFFD). */
export function mutatedText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return mutated(valid.map((s) => new TextEncoder().encode(s))).map((b) => new TextDecoder().decode(b));
}
