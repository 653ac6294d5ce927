/**
 * The authentication steps (PROTOCOL.md section 3, steps 2-4): challenge, decrypt, password.
 * The resulting credentials go to the vault; the machine receives only a ticket.
 */
import { fromPromise } from 'xstate';
import type { AuthInput, AuthOutput } from '../machines/types.js';
import { LinkError, toLinkError } from './errors.js';
import type { ChallengeDecryptor, Clock, CloudApi } from './ports.js';
import { tracked } from './tracked.js';
import type { Tracker } from './tracker.js';
import type { CredentialVault } from './vault.js';

export interface AuthEffectDeps {
  readonly cloud: CloudApi;
  readonly decryptor: ChallengeDecryptor;
  readonly vault: CredentialVault;
  readonly clock: Clock;
  readonly agentVersion: string;
  /** Tracks the request so that stop() can wait for it to settle. */
  readonly tracker?: Tracker;
}

/** The challenge/password step as a function of its input (shared machines call it directly). */
export type AuthRunner = (input: AuthInput, signal: AbortSignal) => Promise<AuthOutput>;

export function authRunner(deps: AuthEffectDeps): AuthRunner {
  const run = async (input: AuthInput, signal: AbortSignal): Promise<AuthOutput> => {
    try {
      const challenge = await deps.cloud.challenge({ authEndpoint: input.authEndpoint, claimId: input.claimId, signal });
      if (signal.aborted) throw new LinkError('ABORTED', 'authentication aborted', { at: deps.clock.now() });
      const response = await deps.decryptor.decrypt(challenge);
      if (signal.aborted) throw new LinkError('ABORTED', 'authentication aborted', { at: deps.clock.now() });
      const credentials = await deps.cloud.password({
        authEndpoint: input.authEndpoint, claimId: input.claimId, agentVersion: deps.agentVersion, response, signal,
      });
      return { at: deps.clock.now(), ticket: deps.vault.put(credentials) };
    } catch (error) {
      throw toLinkError(error, 'AUTH_FAILED', deps.clock.now());
    } finally {
      deps.cloud.closeIdle();
    }
  };
  return (input, signal) => tracked(deps.tracker, run(input, signal));
}

export function authenticateLogic(deps: AuthEffectDeps) {
  const run = authRunner(deps);
  return fromPromise<AuthOutput, AuthInput>(({ input, signal }) => run(input, signal));
}
