import { expect } from 'vitest';
import fc from 'fast-check';
import { LinkError } from '../../../effects/errors.js';

/** Assert that `fn` throws a LinkError with `code`. */
export function expectCoded(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a throw').toBeInstanceOf(LinkError);
  expect((thrown as LinkError).code).toBe(code);
}

/** Random bytes make `decode` return or throw MSG_BAD_PROTOBUF, never anything else. */
export function expectOnlyBadProtobuf(decode: (bytes: Uint8Array) => unknown, numRuns = 1000): void {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
    try {
      decode(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(LinkError);
      expect((error as LinkError).code).toBe('MSG_BAD_PROTOBUF');
    }
  }), { numRuns });
}

/** UUIDs as the agent writes them (lower case). */
export const uuid = fc.uuid().map((u) => u.toLowerCase());
export const epochMs = fc.integer({ min: 0, max: 4_102_444_800_000 });
export const capabilityArb = fc.record({ name: fc.string(), version: fc.nat({ max: 0xffffffff }), enabled: fc.boolean() });
