/**
 * The effects of one fleet agent, all driven by the shared HeapClock and no promise, so the whole
 * fleet runs synchronously: env and challenge/password answer after a small latency, the transport
 * asks the FleetCloud for admission after its handshake and sends TRANSPORT_UP or, refused,
 * TRANSPORT_CLOSED with CONNACK_REFUSED a few milliseconds later.
 */
import { fromCallback, fromPromise, type AnyActorRef, type PromiseActorLogic } from 'xstate';
import { linkMachine } from '../../machines/link.machine.js';
import type { AuthInput, AuthOutput, EnvInput, EnvOutput, LinkEvent, TransportCommand, TransportInput } from '../../machines/types.js';
import type { FleetCloud } from './fleet-cloud.js';
import type { HeapClock } from './heap-clock.js';

export interface FleetLatencies {
  /** env answer, ms */
  readonly envMs: number;
  /** challenge + password, ms */
  readonly authMs: number;
  /** TLS + WebSocket upgrade before the broker decides, ms */
  readonly handshakeMs: number;
  /** from the refusal to the close event, ms */
  readonly refuseMs: number;
}

export const DEFAULT_LATENCIES: FleetLatencies = { envMs: 20, authMs: 30, handshakeMs: 40, refuseMs: 5 };

/**
 * A promise actor whose result comes from a clock timer instead of a promise: xstate's own promise
 * logic (same snapshots, same done event), with `start` replaced so nothing waits for a microtask.
 */
function clockPromise<O, I>(clock: HeapClock, delayMs: (input: I) => number, output: (input: I) => O): PromiseActorLogic<O, I> {
  const base = fromPromise<O, I>(() => new Promise<O>(() => undefined));
  return {
    ...base,
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active') return;
      const input = snapshot.input as I;
      clock.setTimeout(() => {
        if (self.getSnapshot().status !== 'active') return;
        (self as AnyActorRef).send({ type: 'xstate.promise.resolve', data: output(input) });
      }, delayMs(input));
    },
  };
}

const ENV = { authEndpoint: 'https://cloud/api/v1/auth', endpoint: 'wss://broker/mqtt', mqttVersion: 5 } as const;

/** The real link machine with the fleet's effects. `jitter()` returns [0, 1) for latency spread. */
export function fleetMachine(clock: HeapClock, cloud: FleetCloud, jitter: () => number, lat: FleetLatencies = DEFAULT_LATENCIES) {
  const spread = (ms: number) => Math.round(ms * (0.5 + jitter()));
  return linkMachine.provide({
    actors: {
      fetchEnv: clockPromise<EnvOutput, EnvInput>(clock, () => spread(lat.envMs), () => ({ at: clock.now(), env: ENV })),
      authenticate: clockPromise<AuthOutput, AuthInput>(clock, () => spread(lat.authMs), () => ({ at: clock.now(), ticket: 't' })),
      transport: fromCallback<TransportCommand, TransportInput>(({ sendBack }) => {
        const send = (e: LinkEvent) => sendBack(e);
        let timer = clock.setTimeout(() => {
          if (cloud.admit(clock.now())) {
            send({ type: 'TRANSPORT_UP', at: clock.now(), mqttVersion: 5 });
            return;
          }
          timer = clock.setTimeout(() => {
            send({ type: 'TRANSPORT_CLOSED', at: clock.now(), code: 'CONNACK_REFUSED', message: 'server busy' });
          }, lat.refuseMs);
        }, spread(lat.handshakeMs));
        return () => clock.clearTimeout(timer);
      }),
    },
  });
}
