/**
 * The real link machine under a simulated clock, with effects the test drives by hand: env and auth
 * answer when told, the transport records its input, its commands and when it is stopped.
 */
import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import { defaultSettings } from '../../machines/defaults.js';
import { linkMachine } from '../../machines/link.machine.js';
import type { AuthInput, AuthOutput, EnvInput, EnvOutput, LinkEvent, LinkSettings, TransportCommand, TransportInput } from '../../machines/types.js';

export const T0 = 1_000_000;

export interface Deferred<T> { input: unknown; resolve(value: T): void; reject(error: unknown): void }
export interface TransportRecord { input: TransportInput; commands: TransportCommand[]; stopped: boolean; sendBack(e: LinkEvent): void }

export function settings(overrides: Partial<LinkSettings> = {}): LinkSettings {
  return defaultSettings({ enabled: true, claimId: 'claim-a', connectionKey: 'k1', backoff: { policy: 'none', minSeconds: 7 }, ...overrides });
}

export function harness(s: LinkSettings = settings(), seed = 1) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const envCalls: Deferred<EnvOutput>[] = [];
  const authCalls: Deferred<AuthOutput>[] = [];
  const transports: TransportRecord[] = [];
  const machine = linkMachine.provide({
    actors: {
      fetchEnv: fromPromise<EnvOutput, EnvInput>(({ input }) => new Promise((resolve, reject) => envCalls.push({ input, resolve, reject }))),
      authenticate: fromPromise<AuthOutput, AuthInput>(({ input }) => new Promise((resolve, reject) => authCalls.push({ input, resolve, reject }))),
      transport: fromCallback<TransportCommand, TransportInput>(({ input, receive, sendBack }) => {
        const record: TransportRecord = { input, commands: [], stopped: false, sendBack: (e) => sendBack(e) };
        transports.push(record);
        receive((c) => record.commands.push(c));
        return () => { record.stopped = true; };
      }),
    },
  });
  const actor = createActor(machine, { input: { settings: s, seed, now: T0 }, clock });
  actor.start();
  const now = () => clock.now();
  const flush = () => new Promise((r) => setTimeout(r, 0));
  const h = {
    actor, clock, envCalls, authCalls, transports,
    state: () => JSON.stringify(actor.getSnapshot().value),
    ctx: () => actor.getSnapshot().context,
    send: (e: Record<string, unknown> & { type: string }) => actor.send({ at: now(), ...e } as LinkEvent),
    advance: (ms: number) => clock.increment(ms),
    flush,
    /** Answer the pending env and auth calls and bring the transport up. */
    async connect(mqttVersion: 5 | 4 = 5, backoff?: { base?: number; minSeconds?: number; maxSeconds?: number }) {
      envCalls.at(-1)!.resolve({ at: now(), env: { authEndpoint: 'https://auth', endpoint: 'wss://mqtt', mqttVersion, ...(backoff ? { backoff } : {}) } });
      await flush();
      authCalls.at(-1)!.resolve({ at: now(), ticket: `ticket-${authCalls.length}` });
      await flush();
      transports.at(-1)!.sendBack({ type: 'TRANSPORT_UP', at: now(), mqttVersion });
    },
  };
  return h;
}
