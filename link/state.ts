/**
 * The state a host and an operator read (PROTOCOL.md section 7), derived from the machine's
 * snapshot and the data-plane counters. Contains no secret.
 */
import type { LinkContext } from '../machines/types.js';

export type TopState = 'disabled' | 'unclaimed' | 'connecting' | 'connected' | 'backoff';

export interface LinkState {
  readonly available: boolean;
  readonly version: string;
  readonly claimed: boolean;
  readonly claimId: string | null;
  readonly cloudUrl: string;
  /** Scheme, host and port only. */
  readonly proxy: string;
  readonly online: boolean;
  readonly mqttVersion: 5 | 4 | null;
  /** Dotted statechart path, e.g. `connected.online`. */
  readonly state: string;
  readonly top: TopState;
  readonly reason: string;
  readonly reasonCode: string;
  readonly attempt: number;
  readonly reconnectCount: number;
  readonly lastConnectTime: string | null;
  readonly lastDisconnectTime: string | null;
  readonly nextConnectionAttempt: string | null;
  readonly lastBackoffMs: number | null;
  readonly bannedByCloud: boolean;
  readonly messagesReceived: number;
  readonly messagesSent: number;
  readonly messagesAcked: number;
  readonly pendingPubacks: number;
  readonly outboxSize: number;
  readonly outboxBytes: number;
  readonly publishLatencyMs: { readonly last: number | null; readonly average: number | null; readonly max: number | null };
  /** `cmd` requests running now, their cap (null: no cmd handler), and requests answered busy (503) at the cap. */
  readonly cmdPending: number;
  readonly cmdMaxPending: number | null;
  readonly cmdBusyAnswers: number;
  /** The node instances the host registered and what the cloud knows of them (PROTOCOL.md section 8). */
  readonly nodes: readonly NodeState[];
}

export interface NodeState {
  readonly machineGuid: string;
  readonly hostname: string;
  /** From the cloud's CreateNodeInstanceResult (kept per claim); null until then. */
  readonly nodeId: string | null;
  readonly hops: number;
  /** The host's word. */
  readonly live: boolean;
  /** The liveness reported to the cloud in this session (null: not yet). */
  readonly reportedLive: boolean | null;
}

export interface DataPlaneCounters {
  readonly received: number;
  readonly sent: number;
  readonly acked: number;
  readonly inflight: number;
  readonly outboxSize: number;
  readonly outboxBytes: number;
  readonly lastLatencyMs: number | null;
  readonly totalLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly cmd?: { readonly pending: number; readonly maxPending: number; readonly busy: number };
}

/** `{ connecting: 'env' }` → `connecting.env`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  // The first key of an object (null, undefined and numbers have none).
  for (const key in value as Record<string, unknown>) {
    const rest = statePath((value as Record<string, unknown>)[key]);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}

/** `{ connecting: 'env' }` → `connecting`, without building the whole path. */
export function topState(value: unknown): TopState {
  if (typeof value === 'string') return value as TopState;
  for (const key in value as Record<string, unknown>) return key as TopState;
  return '' as TopState;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function deriveState(value: unknown, context: LinkContext, counters: DataPlaneCounters, meta: { version: string; proxy: string }): LinkState {
  const path = statePath(value);
  const top = (path.split('.')[0] ?? 'disabled') as TopState;
  const online = top === 'connected' && path !== 'connected.disconnecting';
  return {
    available: true,
    version: meta.version,
    claimed: context.settings.claimId !== null,
    claimId: context.settings.claimId,
    cloudUrl: context.settings.cloudUrl,
    proxy: meta.proxy,
    online,
    mqttVersion: online ? context.stats.mqttVersion : null,
    state: path,
    top,
    reason: context.reason.text,
    reasonCode: context.reason.code,
    attempt: context.attempt,
    reconnectCount: Math.max(0, context.stats.connections - 1),
    lastConnectTime: iso(context.stats.lastConnectAt),
    lastDisconnectTime: iso(context.stats.lastDisconnectAt),
    nextConnectionAttempt: top === 'backoff' ? iso(context.stats.nextAttemptAt) : null,
    lastBackoffMs: context.stats.lastBackoffMs,
    bannedByCloud: context.banned,
    messagesReceived: counters.received,
    messagesSent: counters.sent,
    messagesAcked: counters.acked,
    pendingPubacks: counters.inflight,
    outboxSize: counters.outboxSize,
    outboxBytes: counters.outboxBytes,
    publishLatencyMs: {
      last: counters.lastLatencyMs,
      average: counters.acked > 0 ? counters.totalLatencyMs / counters.acked : null,
      max: counters.acked > 0 ? counters.maxLatencyMs : null,
    },
    cmdPending: counters.cmd?.pending ?? 0,
    cmdMaxPending: counters.cmd?.maxPending ?? null,
    cmdBusyAnswers: counters.cmd?.busy ?? 0,
    nodes: context.nodes.map((n) => ({ machineGuid: n.machineGuid, hostname: n.hostname, nodeId: n.nodeId, hops: n.hops, live: n.live, reportedLive: n.reported })),
  };
}

/** The `netdatacli aclk-state json` shape (kebab-case keys) for CLI and JSON output. */
export function toAclkStateJson(s: LinkState): Record<string, unknown> {
  return {
    'aclk-available': s.available,
    'aclk-version': s.version,
    'agent-claimed': s.claimed,
    'claimed-id': s.claimId,
    'cloud-url': s.cloudUrl,
    'aclk-proxy': s.proxy,
    online: s.online,
    'mqtt-version': s.mqttVersion,
    state: s.state,
    reason: s.reason,
    'reason-code': s.reasonCode,
    'reconnect-count': s.reconnectCount,
    'last-connect-time-utc': s.lastConnectTime,
    'last-disconnect-time-utc': s.lastDisconnectTime,
    'next-connection-attempt-utc': s.nextConnectionAttempt,
    'last-backoff-value': s.lastBackoffMs === null ? null : s.lastBackoffMs / 1000,
    'banned-by-cloud': s.bannedByCloud,
    'received-app-layer-msgs': s.messagesReceived,
    'sent-app-layer-msgs': s.messagesSent,
    'acked-app-layer-msgs': s.messagesAcked,
    'pending-pubacks': s.pendingPubacks,
    'outbox-size': s.outboxSize,
    'outbox-bytes': s.outboxBytes,
    'publish-latency-ms': s.publishLatencyMs,
    'cmd-pending': s.cmdPending,
    'cmd-max-pending': s.cmdMaxPending,
    'cmd-busy-answers': s.cmdBusyAnswers,
    'node-instances': s.nodes.map((n) => ({
      'machine-guid': n.machineGuid, hostname: n.hostname, 'node-id': n.nodeId, hops: n.hops, live: n.live, 'reported-live': n.reportedLive,
    })),
  };
}
