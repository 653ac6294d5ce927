/**
 * Pure context updates, one per named action of the statechart. Each takes the context and the
 * event and returns the fields to change; link.machine.ts wraps them in `assign`.
 */
import { planWait, resolveBackoffParams } from './backoff/plan.js';
import { nowOf } from './clock.js';
import { asFailure, type Failure } from './failure.js';
import { forgetNodeIds } from './nodes.js';
import { failureReason, reason } from './reasons.js';
import type { AuthOutput, EnvOutput, LinkContext, LinkEvent, LinkSettings } from './types.js';

/** Any event the machine sees, including xstate's done/error/after events. */
export interface SomeEvent {
  readonly type: string;
  readonly at?: number;
  readonly output?: unknown;
  readonly error?: unknown;
}
type Update = Partial<LinkContext>;

function eventOf<T extends LinkEvent['type']>(event: SomeEvent, type: T): Extract<LinkEvent, { type: T }> | null {
  return event.type === type ? (event as unknown as Extract<LinkEvent, { type: T }>) : null;
}

const clearedBan: Update = { banned: false, blockUntil: null, attempt: 0, previousDelayMs: 0 };

export function enable(c: LinkContext): Update {
  return { settings: { ...c.settings, enabled: true } };
}

export function disable(c: LinkContext): Update {
  return { settings: { ...c.settings, enabled: false }, reason: reason('DISABLED') };
}

export function markStopped(): Update {
  return { stopped: true, reason: reason('STOPPED') };
}

export function applySettings(c: LinkContext, e: SomeEvent): Update {
  const ev = eventOf(e, 'CONFIG_CHANGED');
  if (!ev) return {};
  const claimChanged = ev.settings.claimId !== c.settings.claimId;
  const turnsOff = !ev.settings.enabled && c.settings.enabled;
  return {
    settings: ev.settings, configError: null,
    // Node ids belong to a claim: a new claim id asks for them again.
    ...(claimChanged ? { ...clearedBan, ...(c.nodes.length > 0 ? { nodes: forgetNodeIds(c.nodes) } : {}) } : {}),
    ...(turnsOff ? { reason: reason('DISABLED') } : {}),
  };
}

export function applyConfigError(_c: LinkContext, e: SomeEvent): Update {
  const ev = eventOf(e, 'CONFIG_INVALID');
  return ev ? { configError: ev.failure, reason: failureReason(ev.failure) } : {};
}

export function applyClaim(c: LinkContext, e: SomeEvent): Update {
  const ev = eventOf(e, 'CLAIMED');
  if (!ev) return {};
  const settings: LinkSettings = { ...c.settings, claimId: ev.claimId };
  const nodes = ev.claimId !== c.settings.claimId && c.nodes.length > 0 ? { nodes: forgetNodeIds(c.nodes) } : {};
  return { settings, ...clearedBan, ...nodes, reason: reason('RECLAIMED') };
}

export function requestReconnect(c: LinkContext, e: SomeEvent): Update {
  return { reconnectRequested: true, reason: reason(e.type === 'CLAIMED' ? 'RECLAIMED' : 'CONFIG_RELOADED'), now: nowOf(c, e) };
}

/** Entry of `connecting`; also starts the timer of `connecting.env`, its initial (and only way in). */
export function beginAttempt(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  return {
    now,
    timerOrigin: now,
    env: null,
    ticket: null,
    pubacks: 0,
    reconnectRequested: false,
    reason: reason('CONNECTING'),
    stats: { ...c.stats, attemptsStarted: c.stats.attemptsStarted + 1, nextAttemptAt: null },
  };
}

export function markTimer(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  return { now, timerOrigin: now };
}

/** env's answer; also starts the timer of `authenticating`, whose only way in is this transition. */
export function storeEnv(c: LinkContext, e: SomeEvent): Update {
  const out = e.output as EnvOutput | undefined;
  const now = nowOf(c, e);
  return out ? { env: out.env, now, timerOrigin: now } : { now, timerOrigin: now };
}

/** The MQTT ticket; also starts the timer of `connecting.transport` (its only way in). */
export function storeTicket(c: LinkContext, e: SomeEvent): Update {
  const out = e.output as AuthOutput | undefined;
  const now = nowOf(c, e);
  return out ? { ticket: out.ticket, now, timerOrigin: now } : { now, timerOrigin: now };
}

/** Turn any failure into reason, ban and block-until (PROTOCOL.md section 6). */
export function noteFailure(c: LinkContext, failure: Failure): Update {
  const delay = failure.cloud?.errorRetryDelaySeconds;
  const blockUntil = typeof delay === 'number' && delay > 0 ? failure.at + delay * 1000 : c.blockUntil;
  const banned = c.banned || failure.cloud?.errorNonRetryable === true;
  return { lastFailure: failure, reason: banned ? reason('CLOUD_BAN', failure.message) : failureReason(failure), banned, blockUntil, now: Math.max(c.now, failure.at) };
}

export function recordFailure(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  const closed = eventOf(e, 'TRANSPORT_CLOSED');
  const failure: Failure = closed ? { code: closed.code, message: closed.message, at: now } : asFailure(e.error, now);
  return noteFailure(c, failure);
}

export function recordTimeout(c: LinkContext, e: SomeEvent, params: { code: string }): Update {
  const now = nowOf(c, e);
  return noteFailure(c, { code: params.code, message: reason(params.code).text, at: now });
}

/** CONNACK; also starts the timer of `connected.online` (its only way in). */
export function markConnected(c: LinkContext, e: SomeEvent): Update {
  const ev = eventOf(e, 'TRANSPORT_UP');
  const now = nowOf(c, e);
  return {
    now,
    timerOrigin: now,
    ticket: null,
    banned: false,
    blockUntil: null,
    pubacks: 0,
    lastFailure: null,
    reason: reason('ONLINE'),
    stats: { ...c.stats, connections: c.stats.connections + 1, lastConnectAt: now, mqttVersion: ev?.mqttVersion ?? c.stats.mqttVersion },
  };
}

export function countPuback(c: LinkContext): Update {
  return { pubacks: c.pubacks + 1 };
}

export function resetBackoff(): Update {
  return { attempt: 0, previousDelayMs: 0 };
}

export function recordCloudDisconnect(c: LinkContext, e: SomeEvent): Update {
  const ev = eventOf(e, 'DISCONNECT_REQ');
  if (!ev) return {};
  const now = nowOf(c, e);
  const blockUntil = ev.reconnectAfterSeconds > 0 ? now + ev.reconnectAfterSeconds * 1000 : c.blockUntil;
  const banned = c.banned || ev.permaban;
  return { now, banned, blockUntil, reason: reason(banned ? 'CLOUD_BAN' : 'CLOUD_DISCONNECT') };
}

export function markDisconnected(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  return { now, stats: { ...c.stats, lastDisconnectAt: now } };
}

/** The session closed under a connected link: recordFailure, then markDisconnected, in one update. */
export function recordLoss(c: LinkContext, e: SomeEvent): Update {
  const failed = recordFailure(c, e); // a fresh object: completed in place, not copied
  const now = failed.now ?? nowOf(c, e);
  return Object.assign(failed, { now, stats: { ...c.stats, lastDisconnectAt: now } });
}

export function planNextAttempt(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  const attempt = c.attempt + 1;
  const backoff = c.settings.backoff; // its overrides, and its policy (read as such: no copy without it)
  const plan = planWait({
    now,
    banned: c.banned,
    banRetryMs: c.settings.timings.banRetryMs,
    blockUntil: c.blockUntil,
    policy: backoff.policy,
    params: resolveBackoffParams(backoff, c.env?.backoff),
    attempt,
    previousMs: c.previousDelayMs,
    rng: c.rng,
  });
  return {
    now,
    timerOrigin: now,
    attempt,
    rng: plan.rng,
    delayMs: plan.delayMs,
    previousDelayMs: plan.kind === 'policy' ? plan.delayMs : c.previousDelayMs,
    stats: { ...c.stats, nextAttemptAt: now + plan.delayMs, lastBackoffMs: plan.delayMs, lastWaitKind: plan.kind },
  };
}

export function explainDisabled(c: LinkContext, e: SomeEvent): Update {
  const now = nowOf(c, e);
  const why = c.stopped ? reason('STOPPED') : c.configError ? failureReason(c.configError) : reason('DISABLED');
  return { now, reason: why, stats: { ...c.stats, nextAttemptAt: null } };
}

export function explainUnclaimed(c: LinkContext, e: SomeEvent): Update {
  return { now: nowOf(c, e), reason: reason('NOT_CLAIMED'), stats: { ...c.stats, nextAttemptAt: null } };
}
