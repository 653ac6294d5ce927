/**
 * The pure helpers of machines/ called directly, on the edges the statechart tests do not reach:
 * time stamps, failure narrowing, guards on odd events, context updates, the wait plan.
 */
import { describe, expect, it } from 'vitest';
import { resolveBackoffParams, planWait } from '../../machines/backoff/plan.js';
import { isBackoffPolicy } from '../../machines/backoff/policy.js';
import { nowOf } from '../../machines/clock.js';
import { defaultSettings } from '../../machines/defaults.js';
import { delayValue } from '../../machines/delays.js';
import { asFailure } from '../../machines/failure.js';
import * as g from '../../machines/guards.js';
import { reason } from '../../machines/reasons.js';
import * as u from '../../machines/updates.js';
import type { LinkContext } from '../../machines/types.js';
import { linkMachine } from '../../machines/link.machine.js';
import { createActor } from 'xstate';

const s = defaultSettings({ claimId: 'a', connectionKey: 'k' });
function ctx(over: Partial<LinkContext> = {}): LinkContext {
  return {
    settings: s, stopped: false, configError: null, env: null, ticket: null, attempt: 0, previousDelayMs: 0, delayMs: 0, rng: 1,
    banned: false, blockUntil: null, pubacks: 0, reconnectRequested: false, lastFailure: null, reason: reason('STARTING'),
    timerOrigin: 100, now: 100,
    stats: { connections: 0, attemptsStarted: 0, lastConnectAt: null, lastDisconnectAt: null, nextAttemptAt: null, lastBackoffMs: null, lastWaitKind: null, mqttVersion: null },
    nodes: [], nodeOutbox: [], ...over,
  };
}
const node = { machineGuid: 'g', hostname: 'h', hops: 0, nodeId: 'n1', live: true, infoVersion: 0, requested: true, reported: true, infoSent: 0 };

describe('defaults and the initial context', () => {
  it('defaultSettings has every documented default', () => {
    expect(defaultSettings()).toEqual({
      enabled: true, claimId: null, cloudUrl: 'https://app.netdata.cloud', connectionKey: '', backoff: { policy: 'full' },
      timings: { connectBudgetMs: 120_000, httpBudgetMs: 45_000, gracefulBudgetMs: 5_000, stableAfterMs: 30_000, resetAfterPubacks: 3, banRetryMs: 60_000 },
    });
  });

  it('a fresh machine starts with nothing requested, STARTING then DISABLED, and an empty node outbox', () => {
    const a = createActor(linkMachine, { input: { settings: defaultSettings({ enabled: false }), seed: 3, now: 50 } }).start();
    const c = a.getSnapshot().context;
    expect(c).toMatchObject({ reconnectRequested: false, nodeOutbox: [], nodes: [], attempt: 0, rng: 3, now: 50, timerOrigin: 50, banned: false, blockUntil: null });
    expect(c.reason.code).toBe('DISABLED');
    a.stop();
  });
});

describe('time stamps (clock.ts)', () => {
  it('takes the event time, its output time or its error time, never going back', () => {
    expect(nowOf(ctx(), { type: 'X', at: 150 })).toBe(150);
    expect(nowOf(ctx(), { type: 'X', at: 50 })).toBe(100);
    expect(nowOf(ctx(), { type: 'X', output: { at: 170 } })).toBe(170);
    expect(nowOf(ctx(), { type: 'X', error: { at: 180 } })).toBe(180);
  });

  it('ignores times that are not finite positive numbers, and null outputs', () => {
    expect(nowOf(ctx(), { type: 'X', at: Number.NaN })).toBe(100);
    expect(nowOf(ctx(), { type: 'X', at: Number.POSITIVE_INFINITY })).toBe(100);
    expect(nowOf(ctx(), { type: 'X', at: '99999' as unknown as number })).toBe(100);
    expect(nowOf(ctx(), { type: 'X', output: null })).toBe(100);
    expect(nowOf(ctx({ now: -5, timerOrigin: -5 }), { type: 'X', at: 0 })).toBe(-5);
  });

  it('a delayed event is its state entry plus that delay; any other event keeps the context time', () => {
    const c = ctx({ now: 100, timerOrigin: 90 });
    expect(nowOf(c, { type: 'xstate.after.httpBudget.link.connecting.env' })).toBe(90 + 45_000);
    expect(nowOf(ctx({ now: 100, timerOrigin: 200 }), { type: 'OTHER' })).toBe(100);
    expect(delayValue(c, 'nope')).toBe(0);
    expect(delayValue(ctx({ delayMs: 1234 }), 'backoffDelay')).toBe(1234);
  });
});

describe('failures (failure.ts)', () => {
  it('narrows coded objects and keeps only well-typed fields', () => {
    expect(asFailure({ code: 'X', message: 'm', at: 5, httpStatus: 503, cloud: { errorNonRetryable: true } }, 9))
      .toEqual({ code: 'X', message: 'm', at: 5, httpStatus: 503, cloud: { errorNonRetryable: true } });
    expect(asFailure({ code: 'X', message: 7, at: '5', httpStatus: '503' }, 9)).toEqual({ code: 'X', message: 'X', at: 9 });
  });

  it('anything without a string code is INTERNAL', () => {
    for (const e of [null, undefined, 'X', 5, { code: 5 }, { message: 'no code' }]) {
      expect(asFailure(e, 9)).toEqual({ code: 'INTERNAL', message: 'unexpected failure', at: 9 });
    }
  });

  it('reason falls back to the given text, then to the code in words', () => {
    expect(reason('SOME_NEW_CODE')).toEqual({ code: 'SOME_NEW_CODE', text: 'some new code' });
    expect(reason('SOME_NEW_CODE', 'given')).toEqual({ code: 'SOME_NEW_CODE', text: 'given' });
  });
});

describe('guards on odd events', () => {
  const config = (over: Partial<typeof s>) => ({ type: 'CONFIG_CHANGED', at: 100, settings: { ...s, ...over } });
  it('only CONFIG_CHANGED carries settings', () => {
    const fake = { type: 'ENABLE', settings: { ...s, enabled: false, claimId: null, connectionKey: 'z' } };
    expect(g.configTurnsOff(ctx(), fake)).toBe(false);
    expect(g.configUnclaims(ctx(), fake)).toBe(false);
    expect(g.connectionChanged(ctx(), fake)).toBe(false);
    expect(g.configUnclaims(ctx(), { type: 'ENABLE' })).toBe(false);
  });

  it('a stopped link turns off on any config; an unchanged one is no connection change', () => {
    expect(g.configTurnsOff(ctx({ stopped: true }), config({}))).toBe(true);
    expect(g.configTurnsOff(ctx(), config({}))).toBe(false);
    expect(g.connectionChanged(ctx(), config({}))).toBe(false);
    expect(g.connectionChanged(ctx(), config({ claimId: 'b' }))).toBe(true);
  });

  it('retryNowOnConfig: blocked strictly before block-until, measured at the event time (or the context time)', () => {
    const changed = config({ connectionKey: 'k2' });
    expect(g.retryNowOnConfig(ctx({ blockUntil: 100 }), changed)).toBe(true);
    expect(g.retryNowOnConfig(ctx({ blockUntil: 101 }), changed)).toBe(false);
    expect(g.retryNowOnConfig(ctx({ blockUntil: 150, now: 100 }), { ...changed, at: 200 })).toBe(true);
    const noAt = { type: 'CONFIG_CHANGED', settings: { ...s, connectionKey: 'k2' } };
    expect(g.retryNowOnConfig(ctx({ blockUntil: 150, now: 160 }), noAt)).toBe(true);
    expect(g.retryNowOnConfig(ctx({ blockUntil: 150, now: 140 }), noAt)).toBe(false);
    expect(g.retryNowOnConfig(ctx({ banned: true }), changed)).toBe(false);
    // A new claim id lifts ban and block: tried at once.
    expect(g.retryNowOnConfig(ctx({ banned: true, blockUntil: 10_000 }), config({ claimId: 'claim-new' }))).toBe(true);
    expect(g.retryNowOnConfig(ctx({ banned: true }), config({ claimId: null }))).toBe(false);
  });
});

describe('context updates (updates.ts)', () => {
  it('updates ignore events of the wrong type', () => {
    expect(u.applySettings(ctx(), { type: 'ENABLE' })).toEqual({});
    expect(u.applyClaim(ctx(), { type: 'ENABLE' })).toEqual({});
    expect(u.applyConfigError(ctx(), { type: 'ENABLE' })).toEqual({});
    expect(u.recordCloudDisconnect(ctx(), { type: 'ENABLE' })).toEqual({});
  });

  it('applySettings: DISABLED only when it turns the link off; a new claim clears the ban and forgets node ids', () => {
    const off = u.applySettings(ctx(), { type: 'CONFIG_CHANGED', settings: { ...s, enabled: false } } as never);
    expect(off.reason?.code).toBe('DISABLED');
    const stillOff = u.applySettings(ctx({ settings: { ...s, enabled: false } }), { type: 'CONFIG_CHANGED', settings: { ...s, enabled: false } } as never);
    expect(stillOff.reason).toBeUndefined();
    const on = u.applySettings(ctx({ settings: { ...s, enabled: false } }), { type: 'CONFIG_CHANGED', settings: s } as never);
    expect(on.reason).toBeUndefined();
    const same = u.applySettings(ctx({ banned: true, attempt: 4, nodes: [node] }), { type: 'CONFIG_CHANGED', settings: s } as never);
    expect(same).toEqual({ settings: s, configError: null });
    const reclaimed = u.applySettings(ctx({ banned: true, attempt: 4, blockUntil: 5, previousDelayMs: 9, nodes: [node] }), { type: 'CONFIG_CHANGED', settings: { ...s, claimId: 'b' } } as never);
    expect(reclaimed).toMatchObject({ banned: false, blockUntil: null, attempt: 0, previousDelayMs: 0 });
    expect(reclaimed.nodes?.[0]?.nodeId).toBeNull();
    const noNodes = u.applySettings(ctx(), { type: 'CONFIG_CHANGED', settings: { ...s, claimId: 'b' } } as never);
    expect('nodes' in noNodes).toBe(false);
  });

  it('applyClaim forgets node ids only for a different claim, and says RECLAIMED', () => {
    const same = u.applyClaim(ctx({ nodes: [node] }), { type: 'CLAIMED', claimId: 'a' } as never);
    expect('nodes' in same).toBe(false);
    expect(same.reason).toEqual({ code: 'RECLAIMED', text: 'claimed under a new identity, reconnecting' });
    const other = u.applyClaim(ctx({ nodes: [node] }), { type: 'CLAIMED', claimId: 'b' } as never);
    expect(other.nodes?.[0]?.nodeId).toBeNull();
    expect('nodes' in u.applyClaim(ctx(), { type: 'CLAIMED', claimId: 'b' } as never)).toBe(false);
  });

  it('noteFailure: a retry delay only when positive; never moves time back', () => {
    const at = (delay: unknown) => u.noteFailure(ctx({ blockUntil: 7 }), { code: 'X', message: 'm', at: 1_000, cloud: { errorRetryDelaySeconds: delay as number } }).blockUntil;
    expect(at(3)).toBe(4_000);
    expect(at(0)).toBe(7);
    expect(at(-2)).toBe(7);
    expect(at('3')).toBe(7);
    expect(u.noteFailure(ctx({ now: 500 }), { code: 'X', message: 'm', at: 200 }).now).toBe(500);
    expect(u.noteFailure(ctx({ now: 500 }), { code: 'X', message: 'm', at: 800 }).now).toBe(800);
    expect(u.noteFailure(ctx({ banned: true }), { code: 'X', message: 'why', at: 1 }).reason).toEqual({ code: 'CLOUD_BAN', text: 'banned by the cloud' });
  });

  it('storeEnv and storeTicket without an output still start the timer', () => {
    expect(u.storeEnv(ctx(), { type: 'done', at: 300 })).toEqual({ now: 300, timerOrigin: 300 });
    expect(u.storeTicket(ctx(), { type: 'done', at: 300 })).toEqual({ now: 300, timerOrigin: 300 });
  });

  it('markConnected keeps the last MQTT version when the event has none; recordLoss stamps the loss', () => {
    const c = ctx({ stats: { ...ctx().stats, mqttVersion: 4 } });
    expect(u.markConnected(c, { type: 'OTHER', at: 200 }).stats?.mqttVersion).toBe(4);
    const loss = u.recordLoss(ctx(), { type: 'TRANSPORT_CLOSED', at: 300, code: 'SOCKET_CLOSED', message: 'm' } as never);
    expect(loss).toMatchObject({ now: 300, lastFailure: { code: 'SOCKET_CLOSED', at: 300 } });
    expect(loss.stats?.lastDisconnectAt).toBe(300);
  });

  it('planNextAttempt: a block or ban keeps the previous policy wait for decorrelated', () => {
    const blocked = u.planNextAttempt(ctx({ blockUntil: 5_100, previousDelayMs: 3_000 }), { type: 'X', at: 100 });
    expect(blocked).toMatchObject({ delayMs: 5_000, previousDelayMs: 3_000, attempt: 1 });
    expect(blocked.stats).toMatchObject({ lastWaitKind: 'block', nextAttemptAt: 5_100, lastBackoffMs: 5_000 });
  });
});

describe('the wait plan', () => {
  const base = { now: 1_000, banned: false, banRetryMs: 60_000, blockUntil: null, policy: 'none' as const, params: { base: 2, minMs: 250, maxMs: 9_000 }, attempt: 1, previousMs: 0, rng: 1 };
  it('a block-until at or before now does not block', () => {
    expect(planWait({ ...base, blockUntil: 1_000 })).toMatchObject({ kind: 'policy', delayMs: 250 });
    expect(planWait({ ...base, blockUntil: 900 })).toMatchObject({ kind: 'policy', delayMs: 250 });
    expect(planWait({ ...base, blockUntil: 1_001 })).toMatchObject({ kind: 'block', delayMs: 1, rng: 1 });
  });

  it('configuration wins over the env answer, which wins over the defaults', () => {
    expect(resolveBackoffParams({}, undefined)).toEqual({ base: 2, minMs: 0, maxMs: 1_024_000 });
    expect(resolveBackoffParams({}, { base: 3, minSeconds: 1, maxSeconds: 5 })).toEqual({ base: 3, minMs: 1_000, maxMs: 5_000 });
    expect(resolveBackoffParams({ base: 5, minSeconds: 2 }, { base: 3, minSeconds: 1, maxSeconds: 5 })).toEqual({ base: 5, minMs: 2_000, maxMs: 5_000 });
    expect(resolveBackoffParams({ minSeconds: 10 }, { maxSeconds: 5 })).toEqual({ base: 2, minMs: 10_000, maxMs: 10_000 });
  });

  it('isBackoffPolicy accepts the five names only', () => {
    for (const p of ['full', 'equal', 'decorrelated', 'none', 'netdata']) expect(isBackoffPolicy(p)).toBe(true);
    for (const p of ['', 'Full', 'random', 5, null]) expect(isBackoffPolicy(p)).toBe(false);
  });
});

describe('guards that make a connection wait out a ban or a block', () => {
  const at = (t: number | undefined) => (t === undefined ? { type: 'ENABLE' } : { type: 'ENABLE', at: t });
  it('connectMustWait: only when the link should connect, and is banned or blocked past the event time (else the context time)', () => {
    expect(g.connectMustWait(ctx(), at(100))).toBe(false);
    expect(g.connectMustWait(ctx({ banned: true }), at(100))).toBe(true);
    expect(g.connectMustWait(ctx({ blockUntil: 101 }), at(100))).toBe(true);
    expect(g.connectMustWait(ctx({ blockUntil: 100 }), at(100))).toBe(false);
    expect(g.connectMustWait(ctx({ blockUntil: 99 }), at(100))).toBe(false);
    expect(g.connectMustWait(ctx({ blockUntil: 150, now: 140 }), at(undefined))).toBe(true);
    expect(g.connectMustWait(ctx({ blockUntil: 150, now: 160 }), at(undefined))).toBe(false);
    expect(g.connectMustWait(ctx({ blockUntil: 150, now: 160 }), at(140))).toBe(true);
    // Not connecting anyway: no wait.
    expect(g.connectMustWait(ctx({ banned: true, stopped: true }), at(100))).toBe(false);
    expect(g.connectMustWait(ctx({ banned: true, settings: { ...s, claimId: null } }), at(100))).toBe(false);
    expect(g.connectMustWait(ctx({ banned: true, settings: { ...s, enabled: false } }), at(100))).toBe(false);
  });

  it('reconnectMustWait: only when a reconnect was asked, and banned or blocked past the event time', () => {
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true }), at(100))).toBe(false);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: false, banned: true }), at(100))).toBe(false);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true, banned: true }), at(100))).toBe(true);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true, blockUntil: 101 }), at(100))).toBe(true);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true, blockUntil: 100 }), at(100))).toBe(false);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true, blockUntil: 150, now: 140 }), at(undefined))).toBe(true);
    expect(g.reconnectMustWait(ctx({ reconnectRequested: true, blockUntil: 150, now: 160 }), at(undefined))).toBe(false);
  });
});
