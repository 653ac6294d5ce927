/** The stable code of the LinkError `fn` throws ('ok' when it throws nothing); any other error fails the test. */
import { expect } from 'vitest';
import { LinkError } from '../../effects/errors.js';

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LinkError);
    return (error as LinkError).code;
  }
  return 'ok';
}
