/**
 * The ports: the only things effects and the composition root know about the outside world.
 * Adapters (real and simulated) implement them.
 */
import type { Subscribable } from 'rxjs';
import type { BackoffPolicyName } from '../machines/backoff/policy.js';
import type { NodeMessage } from '../machines/nodes.js';

/** Wall-clock time and timers. Compatible with xstate's `Clock`, plus `now()`. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** Uniform random numbers in [0, 1). */
export interface Random {
  next(): number;
}

export type LogFields = Readonly<Record<string, unknown>>;
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

// ---------------------------------------------------------------- configuration

export interface AutoClaim {
  readonly url: string;
  readonly token: string;
  readonly rooms: readonly string[];
  readonly proxy?: string;
  readonly insecure: boolean;
}

/** One typed, validated view of netdata.conf, cloud.d/cloud.conf, claimed_id, claim.conf and NETDATA_CLAIM_*. */
export interface LinkConfig {
  /** `[global] netdata cloud = enable|disable`. */
  readonly enabled: boolean;
  /** `[cloud] cloud base url`, or cloud.conf `url`. */
  readonly cloudUrl: string;
  /** The raw proxy setting (`none`, `env`, `http://...`, `socks5://...`, `socks5h://...`). */
  readonly proxy: string;
  readonly insecure: boolean;
  /** Path of an extra CA certificate file (PEM). */
  readonly caFile?: string;
  /** The claim id, or null when the node is not claimed. */
  readonly claimId: string | null;
  readonly hostname?: string;
  readonly backoff: BackoffConfig;
  readonly autoClaim: AutoClaim | null;
}

export interface BackoffConfig {
  readonly policy: BackoffPolicyName;
  /** Explicitly configured values win over those the cloud sends in the env answer. */
  readonly base?: number;
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
  readonly banRetrySeconds?: number;
}

/** Reads the configuration. Rejects with a LinkError whose code starts with `CONFIG_`. */
export interface ConfigSource {
  load(): Promise<LinkConfig>;
}

// ---------------------------------------------------------------- identity

export interface IdentityStore {
  /** The current claim id from the cloud directory, or null when not claimed. */
  claimId(): Promise<string | null>;
}

export interface ChallengeDecryptor {
  /** RSA-OAEP (SHA-1, MGF1-SHA-1) with the node's private key. Rejects with `AUTH_DECRYPT_FAILED`. */
  decrypt(challenge: Uint8Array): Promise<Uint8Array>;
}

// ---------------------------------------------------------------- cloud API

export interface TransportOffer {
  readonly type: 'MQTTv5' | 'MQTTv3';
  readonly endpoint: string;
}

export interface EnvBackoff {
  readonly base: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/** A validated env answer (PROTOCOL.md section 3, step 1). */
export interface EnvInfo {
  readonly authEndpoint: string;
  readonly encoding: 'proto' | 'json';
  readonly transports: readonly TransportOffer[];
  readonly backoff?: EnvBackoff;
  readonly capabilities: readonly string[];
}

export interface MqttCredentials {
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  /** Topic name (e.g. `inbox-cmd`) to topic string, with `#{claim_id}` already replaced. */
  readonly topics: Readonly<Record<string, string>>;
}

export interface EnvRequest {
  readonly cloudUrl: string;
  readonly claimId: string;
  readonly agentVersion: string;
  readonly signal: AbortSignal;
}
export interface ChallengeRequest {
  readonly authEndpoint: string;
  readonly claimId: string;
  readonly signal: AbortSignal;
}
export interface PasswordRequest {
  readonly authEndpoint: string;
  readonly claimId: string;
  readonly agentVersion: string;
  /** The decrypted challenge. */
  readonly response: Uint8Array;
  readonly signal: AbortSignal;
}

/** The cloud's HTTPS API. Every method rejects with a coded LinkError (with the cloud's error body when any). */
export interface CloudApi {
  env(request: EnvRequest): Promise<EnvInfo>;
  challenge(request: ChallengeRequest): Promise<Uint8Array>;
  password(request: PasswordRequest): Promise<MqttCredentials>;
  /** Close kept-alive connections: called at the end of each attempt's HTTPS steps and on stop. */
  closeIdle(): void;
}

// ---------------------------------------------------------------- transport

export interface TransportParams {
  readonly endpoint: string;
  readonly mqttVersion: 5 | 4;
  readonly claimId: string;
  readonly credentials: MqttCredentials;
  /** Connect time in microseconds since the epoch (PROTOCOL.md section 4). */
  readonly sessionId: number;
}

export type SessionEvent =
  | { readonly type: 'up'; readonly mqttVersion: 5 | 4 }
  | { readonly type: 'closed'; readonly code: string; readonly message: string }
  | { readonly type: 'puback' }
  | { readonly type: 'disconnect-req'; readonly reconnectAfterSeconds: number; readonly permaban: boolean }
  | { readonly type: 'ping-timeout' }
  | { readonly type: 'message'; readonly messageType: string; readonly topic: string; readonly payload: Uint8Array };

/**
 * One MQTT session. `events` completes after `closed`; it is any subscribable (an rxjs Observable
 * or Subject is one), so the link itself loads rxjs only with the network modules.
 */
export interface TransportSession {
  readonly events: Subscribable<SessionEvent>;
  /** QoS 1 publish to a topic *name* from the password step; resolves on PUBACK. */
  publish(topicName: string, payload: Uint8Array): Promise<void>;
  /** Optional: QoS 1 publish to a raw topic string (cmd replies go to the request's callback-topic). */
  publishRaw?(topic: string, payload: Uint8Array): Promise<void>;
  /** graceful: UpdateAgentConnection(reachable=false), wait for its PUBACK, DISCONNECT, close 1000. */
  close(options: { readonly graceful: boolean }): Promise<void>;
}

export interface Transport {
  connect(params: TransportParams): TransportSession;
}

// ---------------------------------------------------------------- node instances

/** The session a node-instance message is sent in. */
export interface NodeSessionInfo {
  readonly claimId: string;
  /** The session id of UpdateAgentConnection (connect time in microseconds). */
  readonly sessionId: number;
  readonly nowMs: number;
}

/**
 * What the host tells the cloud about a node in UpdateNodeInfo (netdata's node_info.cc). Every field
 * is optional; strings are bounded by the registry (link/node-registry.ts).
 */
export interface NodeInfo {
  readonly os?: string;
  readonly osName?: string;
  readonly osVersion?: string;
  readonly kernelName?: string;
  readonly kernelVersion?: string;
  readonly architecture?: string;
  readonly cpus?: number;
  /** e.g. `2400000000` (Hz) or netdata's text form. */
  readonly cpuFrequency?: string;
  /** Bytes, as text (netdata sends strings). */
  readonly memory?: string;
  readonly diskSpace?: string;
  /** The agent version running on the node. */
  readonly version?: string;
  readonly releaseChannel?: string;
  readonly timezone?: string;
  readonly virtualizationType?: string;
  readonly containerType?: string;
  readonly customInfo?: string;
  readonly hostLabels?: Readonly<Record<string, string>>;
}

/** A data collector running on the node (UpdateNodeCollectors). */
export interface NodeCollector {
  readonly plugin: string;
  readonly module: string;
}

/** The host's latest details of a node, read when its info is sent. */
export interface NodeDetails {
  readonly hostname: string;
  readonly info: NodeInfo;
  /** Absent: UpdateNodeCollectors is not sent for this node. */
  readonly collectors?: readonly NodeCollector[];
}

/** Node ids given by the cloud, kept per claim id so that a restart reuses them (no duplicate node). */
export interface NodeIdStore {
  /** Read what was kept (called once, at start). */
  load?(): Promise<void>;
  get(claimId: string, machineGuid: string): string | undefined;
  set(claimId: string, machineGuid: string, nodeId: string): Promise<void>;
}

/**
 * Node-instance messages on the wire (PROTOCOL.md section 8): protobuf in the real link
 * (link/node-wire.ts), plain JSON in the simulations. `encode` may throw a coded LinkError; an
 * `info` message may give several payloads (UpdateNodeInfo, then UpdateNodeCollectors).
 */
export interface NodeWire {
  encode(message: NodeMessage, session: NodeSessionInfo, details: NodeDetails | undefined): ReadonlyArray<{ readonly topicName: string; readonly payload: Uint8Array }>;
  /** CreateNodeInstanceResult; throws a coded LinkError (MSG_BAD_PROTOBUF...) on anything else. */
  decodeCreated(payload: Uint8Array): { readonly machineGuid: string; readonly nodeId: string };
}
