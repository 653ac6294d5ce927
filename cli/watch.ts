/** Calls `print` once per state change of a link (state path, reason code or reason), not per snapshot. */
import type { LinkHandle } from '../link/create-link.js';
import type { LinkState } from '../link/state.js';
import { CliError } from './errors.js';

export function onStateChange(link: Pick<LinkHandle, 'subscribe'>, print: (state: LinkState, time: Date) => void): () => void {
  let last = '';
  return link.subscribe((state) => {
    const key = `${state.state}\u0000${state.reasonCode}\u0000${state.reason}`;
    if (key === last) return;
    last = key;
    print(state, new Date());
  });
}

/** Resolves with the first state (now or later) that satisfies `test`; rejects with DEMO_TIMEOUT after `timeoutMs`. */
export function waitForState(
  link: Pick<LinkHandle, 'subscribe' | 'getState'>,
  test: (state: LinkState) => boolean,
  timeoutMs: number,
  what: string,
): Promise<LinkState> {
  const now = link.getState();
  if (test(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      const last = link.getState();
      reject(new CliError('DEMO_TIMEOUT', `${what} did not happen within ${timeoutMs / 1000} s (the link is ${last.state}: ${last.reason})`));
    }, timeoutMs);
    const off = link.subscribe((state) => {
      if (!test(state)) return;
      clearTimeout(timer);
      off();
      resolve(state);
    });
  });
}
