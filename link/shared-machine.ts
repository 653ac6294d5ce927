/**
 * One provided machine for every link in the process. A machine instance (its state nodes, transitions
 * and their closures) costs tens of KiB, so `createLink` does not call `.provide()` per link: the named
 * effects below find their link's own implementations through the actor system they run in, which
 * `bindEffects` registers before the actor starts.
 */
import { fromCallback, fromPromise } from 'xstate';
import type { AuthRunner } from '../effects/auth.effect.js';
import type { EnvRunner } from '../effects/env.effect.js';
import type { TransportCallback } from '../effects/transport.effect.js';
import { linkMachine } from '../machines/link.machine.js';
import type { AuthInput, AuthOutput, EnvInput, EnvOutput, TransportCommand, TransportInput } from '../machines/types.js';
import { sparePubacks, type MachineRef } from './spare-pubacks.js';

export interface LinkEffects {
  readonly env: EnvRunner;
  readonly auth: AuthRunner;
  readonly transport: TransportCallback;
  /** The link's root actor (null before it exists): PUBACKs it would ignore are not sent (spare-pubacks.ts). */
  readonly machine?: () => MachineRef | null;
}

const effectsBySystem = new WeakMap<object, LinkEffects>();

function effectsOf(system: object): LinkEffects {
  const effects = effectsBySystem.get(system);
  if (!effects) throw new Error('createLink: no effects bound to this actor system');
  return effects;
}

/** Call between `createActor(sharedLinkMachine, ...)` and `start()`. */
export function bindEffects(system: object, effects: LinkEffects): void {
  effectsBySystem.set(system, effects);
}

export const sharedLinkMachine = linkMachine.provide({
  actors: {
    fetchEnv: fromPromise<EnvOutput, EnvInput>(({ input, signal, system }) => effectsOf(system).env(input, signal)),
    authenticate: fromPromise<AuthOutput, AuthInput>(({ input, signal, system }) => effectsOf(system).auth(input, signal)),
    transport: fromCallback<TransportCommand, TransportInput>(({ input, sendBack, receive, system }) => {
      const effects = effectsOf(system);
      return effects.transport({ input, sendBack: effects.machine ? sparePubacks(sendBack, effects.machine) : sendBack, receive });
    }),
  },
});
