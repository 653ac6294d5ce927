import type { InspectionEvent, Observer } from 'xstate';
import type { CmdHandler } from '../adapters/mqtt/cmd-relay.js';
import type { OutboxOptions } from '../effects/outbox.js';
import type {
  ChallengeDecryptor, Clock, CloudApi, ConfigSource, LinkConfig, Logger, NodeIdStore, NodeWire, Random, Transport,
} from '../effects/ports.js';
import type { Timings } from '../machines/types.js';
import type { RecordSink } from './record.js';
import type { sharedLinkMachine } from './shared-machine.js';

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
  /** Writes a JSONL recording of the run (link/record.ts; `fileRecorder(path)`), replayable with `replayRecording`. */
  readonly record?: RecordSink;
  /** How the state shows the proxy (scheme, host, port only); default: the raw setting without credentials. */
  readonly describeProxy?: (config: LinkConfig) => string;
  /**
   * Answers the cloud's `cmd` requests (PROTOCOL.md section 4). When given, `cmd` and
   * `CancelPendingRequest` messages go to the cmd relay, and replies are published on the request's
   * callback-topic (the transport's sessions must implement `publishRaw`).
   */
  readonly onCommand?: CmdHandler;
  /** Handler budget of a `cmd` without a `timeout` header. Default 60 s. */
  readonly cmdTimeoutMs?: number;
  /** `cmd` requests running at once; one more is answered busy (HTTP 503) at once. Default 64. */
  readonly cmdMaxPending?: number;
  /**
   * How node-instance messages are encoded (PROTOCOL.md section 8). Without it, registered nodes are kept
   * in the state but nothing about them is sent. createCloudLink passes the protobuf one.
   */
  readonly nodeWire?: NodeWire;
  /** Where node ids are kept per claim id (default: memory; createCloudLink: `<cloud.d>/node-instances.json`). */
  readonly nodeIds?: NodeIdStore;
  /**
   * For tests and simulations only: the machine to run instead of the shared one, built from it with
   * `sharedLinkMachine.provide({...})` (e.g. a planted bug that the property oracle must catch).
   */
  readonly machine?: typeof sharedLinkMachine;
}

export function isConfigSource(value: ConfigSource | LinkConfig): value is ConfigSource {
  return typeof (value as ConfigSource).load === 'function';
}
