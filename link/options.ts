import type { InspectionEvent, Observer } from 'xstate';
import type { OutboxOptions } from '../effects/outbox.js';
import type {
  ChallengeDecryptor, Clock, CloudApi, ConfigSource, LinkConfig, Logger, Random, Transport,
} from '../effects/ports.js';
import type { Timings } from '../machines/types.js';

export interface LinkOptions {
  /** Where the configuration comes from; a plain object is a fixed configuration. */
  readonly config: ConfigSource | LinkConfig;
  readonly cloud: CloudApi;
  readonly decryptor: ChallengeDecryptor;
  readonly transport: Transport;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: Logger;
  /** Reported to the cloud (`v=` of env, `agent_version` of password). */
  readonly agentVersion?: string;
  /** Overrides of the statechart's timings (connect budget, reset, ban retry...). */
  readonly timings?: Partial<Timings>;
  readonly outbox?: Partial<OutboxOptions>;
  /** Messages in flight (sent, waiting for PUBACK) at once. */
  readonly inflightWindow?: number;
  /** Seed of the machine's random generator; drawn from `random` when absent. */
  readonly seed?: number;
  /** Passed to xstate's `createActor` (e.g. `@statelyai/inspect`'s `inspector.inspect`). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

export function isConfigSource(value: ConfigSource | LinkConfig): value is ConfigSource {
  return typeof (value as ConfigSource).load === 'function';
}
