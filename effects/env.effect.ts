/**
 * The env step (PROTOCOL.md section 3, step 1) as actor logic: ask the cloud where to authenticate
 * and which transport to use. Prefers MQTTv5; MQTTv3 only when it is the only transport offered.
 */
import { fromPromise } from 'xstate';
import type { EnvInput, EnvOutput, EnvSummary } from '../machines/types.js';
import { LinkError, toLinkError } from './errors.js';
import { tracked } from './tracked.js';
import type { Tracker } from './tracker.js';
import type { Clock, CloudApi, EnvInfo } from './ports.js';

export function chooseTransport(env: EnvInfo, at: number): EnvSummary {
  const v5 = env.transports.find((t) => t.type === 'MQTTv5');
  const chosen = v5 ?? env.transports.find((t) => t.type === 'MQTTv3');
  if (!chosen) throw new LinkError('ENV_NO_TRANSPORT', 'the env answer offers no MQTT transport', { at });
  return {
    authEndpoint: env.authEndpoint,
    endpoint: chosen.endpoint,
    mqttVersion: chosen.type === 'MQTTv5' ? 5 : 4,
    ...(env.backoff ? { backoff: { base: env.backoff.base, minSeconds: env.backoff.minSeconds, maxSeconds: env.backoff.maxSeconds } } : {}),
  };
}

export interface EnvEffectDeps {
  readonly cloud: CloudApi;
  readonly clock: Clock;
  readonly agentVersion: string;
  /** Tracks the request so that stop() can wait for it to settle. */
  readonly tracker?: Tracker;
}

/** The env step as a function of its input (what the actor logic runs; shared machines call it directly). */
export type EnvRunner = (input: EnvInput, signal: AbortSignal) => Promise<EnvOutput>;

export function envRunner(deps: EnvEffectDeps): EnvRunner {
  const run = async (input: EnvInput, signal: AbortSignal): Promise<EnvOutput> => {
    try {
      const info = await deps.cloud.env({ cloudUrl: input.cloudUrl, claimId: input.claimId, agentVersion: deps.agentVersion, signal });
      const at = deps.clock.now();
      return { at, env: chooseTransport(info, at) };
    } catch (error) {
      throw toLinkError(error, 'ENV_FAILED', deps.clock.now());
    }
  };
  return (input, signal) => tracked(deps.tracker, run(input, signal));
}

export function fetchEnvLogic(deps: EnvEffectDeps) {
  const run = envRunner(deps);
  return fromPromise<EnvOutput, EnvInput>(({ input, signal }) => run(input, signal));
}
