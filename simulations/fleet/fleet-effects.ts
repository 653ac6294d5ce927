/**
 * The effects of one fleet agent, all driven by the shared HeapClock and no promise, so the whole
 * fleet runs synchronously: env and challenge/password answer after a small latency, the transport
 * connects after its handshake. Where the cloud decides depends on its gate:
 * - `connack` (FleetCloud): the transport asks it after the handshake and sends TRANSPORT_UP or,
 *   refused, TRANSPORT_CLOSED with CONNACK_REFUSED a few milliseconds later;
 * - `env` (SpreadingCloud): the env request asks it; a refusal is the cloud's HTTP 429 with its JSON
 *   error body, read by the real adapter (`parseEnvAnswer`: ENV_NOT_200 carrying the body's
 *   `errorRetryDelaySeconds`) and stamped as the env effect does (`toLinkError`), so the statechart
 *   gets the same error event as from a real cloud and turns it into its block-until.
 */
import { fromCallback, fromPromise, type AnyActorRef, type PromiseActorLogic } from 'xstate';
import { parseEnvAnswer } from '../../adapters/cloud-api/env.js';
import { LinkError, toLinkError } from '../../effects/errors.js';
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

type Settled<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

/**
 * A promise actor whose result comes from a clock timer instead of a promise: xstate's own promise
 * logic (same snapshots, same done and error events), with `start` replaced so nothing waits for a
 * microtask. `settle` gets the input and the time the request was sent.
 */
function clockPromise<O, I>(clock: HeapClock, delayMs: (input: I) => number, settle: (input: I, sentAt: number) => Settled<O>): PromiseActorLogic<O, I> {
  const base = fromPromise<O, I>(() => new Promise<O>(() => undefined));
  return {
    ...base,
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active') return;
      const input = snapshot.input as I;
      const sentAt = clock.now();
      clock.setTimeout(() => {
        if (self.getSnapshot().status !== 'active') return;
        const r = settle(input, sentAt);
        (self as AnyActorRef).send(r.ok ? { type: 'xstate.promise.resolve', data: r.value } : { type: 'xstate.promise.reject', data: r.error });
      }, delayMs(input));
    },
  };
}

const ENV = { authEndpoint: 'https://cloud/api/v1/auth', endpoint: 'wss://broker/mqtt', mqttVersion: 5 } as const;

/**
 * The env error a link gets from a cloud answering HTTP 429 with `errorRetryDelaySeconds` (or without
 * it): the real adapter's parsing of the answer, stamped at `at` as the env effect does.
 */
export function tooManyRequests(retryDelaySeconds: number | undefined, at: number): LinkError {
  const body = {
    errorCode: 'TooManyRequests',
    errorMsgKey: 'ErrTooManyRequests',
    errorMessage: 'the cloud is at capacity',
    ...(retryDelaySeconds !== undefined ? { errorRetryDelaySeconds: retryDelaySeconds } : {}),
  };
  try {
    parseEnvAnswer({ status: 429, headers: {}, body: Buffer.from(JSON.stringify(body)), reusedSocket: true });
  } catch (error) {
    return toLinkError(error, 'ENV_FAILED', at);
  }
  throw new Error('parseEnvAnswer accepted an HTTP 429 answer');
}

/** The real link machine with the fleet's effects. `jitter()` returns [0, 1) for latency spread. */
export function fleetMachine(clock: HeapClock, cloud: FleetCloud, jitter: () => number, lat: FleetLatencies = DEFAULT_LATENCIES) {
  const spread = (ms: number) => Math.round(ms * (0.5 + jitter()));
  const atEnv = cloud.gate === 'env';
  const env = (input: EnvInput, sentAt: number): Settled<EnvOutput> => {
    const now = clock.now();
    if (atEnv) {
      const answer = cloud.request(now, input.claimId, sentAt);
      if (!answer.admitted) return { ok: false, error: tooManyRequests(answer.retryDelaySeconds, now) };
    }
    return { ok: true, value: { at: now, env: ENV } };
  };
  return linkMachine.provide({
    actors: {
      fetchEnv: clockPromise<EnvOutput, EnvInput>(clock, () => spread(lat.envMs), env),
      authenticate: clockPromise<AuthOutput, AuthInput>(clock, () => spread(lat.authMs), () => ({ ok: true, value: { at: clock.now(), ticket: 't' } })),
      transport: fromCallback<TransportCommand, TransportInput>(({ sendBack, input }) => {
        const send = (e: LinkEvent) => sendBack(e);
        let timer = clock.setTimeout(() => {
          if (atEnv || cloud.request(clock.now(), input.claimId).admitted) {
            cloud.sessionUp();
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
