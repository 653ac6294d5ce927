/**
 * The statechart's data: settings, context, events and the input/output of the effects it invokes.
 * Every event carries `at`, epoch milliseconds from the injected clock, so the machine is a pure
 * function of its input and its timestamped event sequence (what replays rely on).
 */
import type { BackoffPolicyName } from './backoff/policy.js';
import type { BackoffOverrides } from './backoff/plan.js';
import type { Failure } from './failure.js';
import type { NodeChange, NodeEntry, NodeMessage, NodeRegistration } from './nodes.js';

export interface Timings {
  /** TLS + WebSocket upgrade + CONNACK (PROTOCOL.md section 4): 120 s. */
  readonly connectBudgetMs: number;
  /** Guard over each HTTPS step (env, challenge + password); the adapter's own timeouts are shorter. */
  readonly httpBudgetMs: number;
  /** Graceful disconnect: UpdateAgentConnection + PUBACK (2 s) + DISCONNECT + close. */
  readonly gracefulBudgetMs: number;
  /** Connected this long resets the backoff. */
  readonly stableAfterMs: number;
  /** This many PUBACKs in one connection reset the backoff. */
  readonly resetAfterPubacks: number;
  /** Wait between attempts while banned by the cloud. */
  readonly banRetryMs: number;
}

export interface BackoffSettings extends BackoffOverrides {
  readonly policy: BackoffPolicyName;
}

/** What the machine needs to know of the configuration and the claim. */
export interface LinkSettings {
  readonly enabled: boolean;
  readonly claimId: string | null;
  readonly cloudUrl: string;
  /**
   * Opaque fingerprint of everything that shapes a connection (URL, proxy, TLS options). A change
   * while connected or connecting makes the link reconnect under the new settings.
   */
  readonly connectionKey: string;
  readonly backoff: BackoffSettings;
  readonly timings: Timings;
}

/** The parts of the env answer the machine keeps. Nothing secret. */
export interface EnvSummary {
  readonly authEndpoint: string;
  readonly endpoint: string;
  readonly mqttVersion: 5 | 4;
  readonly backoff?: BackoffOverrides;
}

export interface Reason {
  readonly code: string;
  readonly text: string;
}

export interface LinkStats {
  /** Successful connections (CONNACK) in this run. */
  readonly connections: number;
  readonly attemptsStarted: number;
  readonly lastConnectAt: number | null;
  readonly lastDisconnectAt: number | null;
  readonly nextAttemptAt: number | null;
  readonly lastBackoffMs: number | null;
  readonly lastWaitKind: 'ban' | 'block' | 'policy' | null;
  readonly mqttVersion: 5 | 4 | null;
}

export interface LinkContext {
  readonly settings: LinkSettings;
  readonly stopped: boolean;
  readonly configError: Failure | null;
  readonly env: EnvSummary | null;
  /** Opaque reference to the single-use MQTT credentials held by the effects, never the secret itself. */
  readonly ticket: string | null;
  /** Consecutive failed attempts since the last reset. */
  readonly attempt: number;
  readonly previousDelayMs: number;
  readonly delayMs: number;
  readonly rng: number;
  readonly banned: boolean;
  readonly blockUntil: number | null;
  readonly pubacks: number;
  readonly reconnectRequested: boolean;
  readonly lastFailure: Failure | null;
  readonly reason: Reason;
  /** Time at which the current timer-bearing state was entered. */
  readonly timerOrigin: number;
  /** The latest time the machine knows of. */
  readonly now: number;
  readonly stats: LinkStats;
  /** The node instances the host registered (PROTOCOL.md section 8), in registration order. */
  readonly nodes: readonly NodeEntry[];
  /** The node-instance messages planned by the last node step, handed to the transport by `sendNodeMessages`. */
  readonly nodeOutbox: readonly NodeMessage[];
}

export interface LinkInput {
  readonly settings: LinkSettings;
  /** Seed of the machine's random generator (backoff jitter). */
  readonly seed: number;
  /** Start time, epoch ms. */
  readonly now: number;
}

// ---------------------------------------------------------------- events

export type HostEvent =
  | { readonly type: 'ENABLE'; readonly at: number }
  | { readonly type: 'DISABLE'; readonly at: number }
  | { readonly type: 'STOP'; readonly at: number }
  | { readonly type: 'CONFIG_CHANGED'; readonly at: number; readonly settings: LinkSettings }
  | { readonly type: 'CONFIG_INVALID'; readonly at: number; readonly failure: Failure }
  | { readonly type: 'CLAIMED'; readonly at: number; readonly claimId: string };

export type TransportEvent =
  | { readonly type: 'TRANSPORT_UP'; readonly at: number; readonly mqttVersion: 5 | 4 }
  | { readonly type: 'TRANSPORT_CLOSED'; readonly at: number; readonly code: string; readonly message: string }
  | { readonly type: 'PUBACK'; readonly at: number }
  | { readonly type: 'DISCONNECT_REQ'; readonly at: number; readonly reconnectAfterSeconds: number; readonly permaban: boolean }
  | { readonly type: 'PING_TIMEOUT'; readonly at: number };

/** The host's nodes, and the cloud's answers about them (PROTOCOL.md section 8). */
export type NodeEvent =
  | { readonly type: 'NODE_REGISTERED'; readonly at: number; readonly node: NodeRegistration }
  | { readonly type: 'NODE_CHANGED'; readonly at: number; readonly change: NodeChange }
  | { readonly type: 'NODE_REMOVED'; readonly at: number; readonly machineGuid: string }
  /** CreateNodeInstanceResult. */
  | { readonly type: 'NODE_CREATED'; readonly at: number; readonly machineGuid: string; readonly nodeId: string }
  /** The cloud's SendNodeInstances: report every node again. */
  | { readonly type: 'SEND_NODE_INSTANCES'; readonly at: number };

export type LinkEvent = HostEvent | TransportEvent | NodeEvent;

/** Sent by the machine to its transport child. */
export type TransportCommand =
  | { readonly type: 'CLOSE'; readonly graceful: boolean }
  | { readonly type: 'NODES'; readonly messages: readonly NodeMessage[] };

// ---------------------------------------------------------------- effect contracts

export interface EnvInput {
  readonly cloudUrl: string;
  readonly claimId: string;
}
export interface EnvOutput {
  readonly at: number;
  readonly env: EnvSummary;
}
export interface AuthInput {
  readonly authEndpoint: string;
  readonly claimId: string;
}
export interface AuthOutput {
  readonly at: number;
  readonly ticket: string;
}
export interface TransportInput {
  /** The machine needs only this many PUBACK events per session (its backoff reset rule). */
  readonly pubacksNeeded: number;
  readonly ticket: string;
  readonly endpoint: string;
  readonly mqttVersion: 5 | 4;
  readonly claimId: string;
}
